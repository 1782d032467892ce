import { AppError } from '../../platform/errors';

export const buildingNotFound = () => new AppError('building.not_found');
export const duplicateBuildingName = () => new AppError('building.duplicate_name');
export const dwellingNotFound = () => new AppError('dwelling.not_found');
export const duplicateDwelling = () => new AppError('dwelling.duplicate');
export const floorOutOfRange = () => new AppError('dwelling.floor_out_of_range');
