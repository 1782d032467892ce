import type { BuildingDetail, Dwelling } from '@linli/shared';

export type Entrance = BuildingDetail['entrances'][number];

export interface DwellingGridLayout {
  entrances: Entrance[];
  /** Top floor first, as the building is drawn on paper; includes basements and floors added by hand. */
  floors: number[];
  dwellingsAt(entranceId: string, floor: number): Dwelling[];
}

const roomOrder = new Intl.Collator('en', { numeric: true });

export function layoutDwellings(building: BuildingDetail): DwellingGridLayout {
  const entrances = [...building.entrances].sort((a, b) => a.number - b.number);
  const floorSet = new Set<number>();
  for (let floor = 1; floor <= building.floors; floor += 1) floorSet.add(floor);
  const cells = new Map<string, Dwelling[]>();
  for (const dwelling of building.dwellings) {
    floorSet.add(dwelling.floor);
    const key = `${dwelling.entranceId}:${dwelling.floor}`;
    const cell = cells.get(key) ?? [];
    cell.push(dwelling);
    cells.set(key, cell);
  }
  for (const cell of cells.values()) cell.sort((a, b) => roomOrder.compare(a.number, b.number));
  return {
    entrances,
    floors: [...floorSet].sort((a, b) => b - a),
    dwellingsAt: (entranceId, floor) => cells.get(`${entranceId}:${floor}`) ?? [],
  };
}
