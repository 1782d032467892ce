import { AppError } from '../../platform/errors';

export const mergeNotFound = () => new AppError('dedupe.merge_not_found');
export const survivorNotActive = () => new AppError('dedupe.survivor_not_active');
export const notMergeable = () => new AppError('dedupe.not_mergeable');
export const alreadyUndone = () => new AppError('dedupe.already_undone');
export const undoConflict = (fields: string[]) =>
  new AppError('dedupe.undo_conflict', { fields: fields.join(', ') }, { fields });
