import type { AreaNode } from '@linli/shared';
import type { AreaRow } from './areas.table';

export function presentArea(row: AreaRow, counts: { buildings: number; dwellings: number }): AreaNode {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    code: row.code,
    parentId: row.parentId,
    streetId: row.streetId,
    communityId: row.communityId,
    sortOrder: row.sortOrder,
    buildingCount: counts.buildings,
    dwellingCount: counts.dwellings,
    version: row.version,
  };
}
