import { AppError } from '../../platform/errors';

export const ledgerNotFound = () => new AppError('ledger.not_found');
export const linkNotFound = () => new AppError('ledger.link_not_found');
export const linkGone = () => new AppError('ledger.link_gone');
