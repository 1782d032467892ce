import { roomNumber } from '@linli/shared';

/** The dwellings a regular building spec implies: per entrance, per floor, rooms numbered 301, 302 … */
export function generateDwellings(spec: { floors: number; entrances: number; roomsPerFloor: number }) {
  const out: { entrance: number; floor: number; number: string }[] = [];
  for (let entrance = 1; entrance <= spec.entrances; entrance++) {
    for (const d of floorRooms(1, spec.floors, spec.roomsPerFloor)) out.push({ entrance, ...d });
  }
  return out;
}

/**
 * The flats of floors `from` to `to` of one entrance, numbered as a new building's are: the rule a
 * building raised later (加层) follows too, so its 7th floor reads 701, 702 like the floors below.
 */
export function floorRooms(from: number, to: number, roomsPerFloor: number) {
  const out: { floor: number; number: string }[] = [];
  for (let floor = from; floor <= to; floor++) {
    for (let room = 1; room <= roomsPerFloor; room++) out.push({ floor, number: roomNumber(floor, room) });
  }
  return out;
}

// One numbering rule for the server and the console's previews; imports read it from here.
export { roomNumber };

export function entranceName(n: number): string {
  return `${n}单元`;
}

/**
 * The address as people write it: 5号楼2单元301. A building named only by a number gets 号楼;
 * a single-entrance building leaves the 单元 out.
 */
export function dwellingLabel(
  buildingName: string,
  entranceNumber: number,
  entranceCount: number,
  number: string,
) {
  const building = /^\d+$/.test(buildingName) ? `${buildingName}号楼` : buildingName;
  const entrance = entranceCount > 1 ? `${entranceNumber}单元` : '';
  return `${building}${entrance}${number}`;
}
