import {
  type Building,
  type BuildingDetail,
  type Dwelling,
  type DwellingProfile,
  SAFETY_FLAGS,
} from '@linli/shared';
import { dwellingLabel } from './buildings.rules';
import type { BuildingRow, DwellingRow, EntranceRow } from './buildings.table';

export function presentBuilding(row: BuildingRow, dwellingCount: number): Building {
  return {
    id: row.id,
    streetId: row.streetId,
    communityId: row.communityId,
    compoundId: row.compoundId,
    name: row.name,
    kind: row.kind,
    floors: row.floors,
    entranceCount: row.entranceCount,
    roomsPerFloor: row.roomsPerFloor,
    builtYear: row.builtYear,
    notes: row.notes,
    dwellingCount,
    version: row.version,
  };
}

export function presentDwelling(row: DwellingRow, building: BuildingRow, entrance: EntranceRow): Dwelling {
  return {
    id: row.id,
    buildingId: row.buildingId,
    entranceId: row.entranceId,
    floor: row.floor,
    number: row.number,
    label: dwellingLabel(building.name, entrance.number, building.entranceCount, row.number),
    status: row.status,
    type: row.type,
    use: row.use,
    version: row.version,
  };
}

/** Masked by construction: the owner's phone ciphertext is never read here. */
export function presentDwellingProfile(
  row: DwellingRow,
  label: string,
  lastVerifiedByName: string | null,
): DwellingProfile {
  return {
    id: row.id,
    label,
    type: row.type,
    use: row.use,
    ownerName: row.ownerName,
    ownerPhoneMasked: row.ownerPhoneMasked,
    notes: row.notes,
    safetyFlags: SAFETY_FLAGS.filter((f) => row.safetyFlags.includes(f)),
    safetyNotes: row.safetyNotes,
    lastVerifiedAt: row.lastVerifiedAt?.toISOString() ?? null,
    lastVerifiedByName,
    version: row.version,
  };
}

export function presentBuildingDetail(
  building: BuildingRow,
  entranceRows: EntranceRow[],
  dwellingRows: DwellingRow[],
): BuildingDetail {
  const byId = new Map(entranceRows.map((e) => [e.id, e]));
  const dwellings = dwellingRows.map((d) => presentDwelling(d, building, byId.get(d.entranceId)!));
  return {
    ...presentBuilding(building, dwellings.filter((d) => d.status === 'active').length),
    entrances: entranceRows.map((e) => ({ id: e.id, number: e.number, name: e.name })),
    dwellings,
  };
}
