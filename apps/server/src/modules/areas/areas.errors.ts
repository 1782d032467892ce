import { AppError } from '../../platform/errors';

export const areaNotFound = () => new AppError('area.not_found');
export const invalidParent = () => new AppError('area.invalid_parent');
export const areaNotEmpty = () => new AppError('area.not_empty');
export const duplicateAreaName = () => new AppError('area.duplicate_name');
