import type { Grid } from '@linli/shared';
import type { GridRow } from './grids.table';

export function presentGrid(row: GridRow, workerName: string | null, buildingIds: string[]): Grid {
  return {
    id: row.id,
    streetId: row.streetId,
    communityId: row.communityId,
    name: row.name,
    workerUserId: row.workerUserId,
    workerName,
    buildingIds: [...buildingIds].sort(),
    version: row.version,
  };
}
