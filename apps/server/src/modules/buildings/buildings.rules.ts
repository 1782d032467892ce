/** The dwellings a regular building spec implies: per entrance, per floor, rooms numbered 301, 302 … */
export function generateDwellings(spec: { floors: number; entrances: number; roomsPerFloor: number }) {
  const out: { entrance: number; floor: number; number: string }[] = [];
  for (let entrance = 1; entrance <= spec.entrances; entrance++) {
    for (let floor = 1; floor <= spec.floors; floor++) {
      for (let room = 1; room <= spec.roomsPerFloor; room++) {
        out.push({ entrance, floor, number: roomNumber(floor, room) });
      }
    }
  }
  return out;
}

export function roomNumber(floor: number, room: number): string {
  return `${floor}${String(room).padStart(2, '0')}`;
}

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
