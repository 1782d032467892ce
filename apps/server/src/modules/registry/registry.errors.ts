import { AppError } from '../../platform/errors';

export const residentNotFound = () => new AppError('resident.not_found');
export const householdNotFound = () => new AppError('household.not_found');
export const residentNotActive = () => new AppError('resident.not_active');
export const duplicateIdNumber = () => new AppError('resident.duplicate_id');
export const revealLimit = (limit: number) => new AppError('resident.reveal_limit', { limit });
