export * from '../modules/areas/areas.table';
export * from '../modules/audit/audit.table';
export * from '../modules/auth/auth.table';
export * from '../modules/buildings/buildings.table';
export * from '../modules/delegations/delegations.table';
export * from '../modules/grids/grids.table';
export * from '../modules/tokens/tokens.table';
export * from '../modules/users/users.table';
