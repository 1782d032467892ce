import { describe, expect, it } from 'vitest';
import { dwellingLabel, entranceName, floorRooms, generateDwellings, roomNumber } from './buildings.rules';

describe('roomNumber', () => {
  it('is the floor followed by a two-digit room', () => {
    expect(roomNumber(1, 1)).toBe('101');
    expect(roomNumber(3, 2)).toBe('302');
    expect(roomNumber(6, 12)).toBe('612');
    expect(roomNumber(12, 3)).toBe('1203');
  });
});

describe('entranceName', () => {
  it('names entrances 1单元, 2单元 …', () => {
    expect(entranceName(1)).toBe('1单元');
    expect(entranceName(12)).toBe('12单元');
  });
});

describe('generateDwellings', () => {
  it('makes one dwelling per entrance, floor and room', () => {
    const all = generateDwellings({ floors: 6, entrances: 2, roomsPerFloor: 2 });
    expect(all).toHaveLength(24);
    const keys = all.map((d) => `${d.entrance}-${d.number}`);
    expect(new Set(keys).size).toBe(24);
    for (const entrance of [1, 2]) {
      const numbers = all.filter((d) => d.entrance === entrance).map((d) => d.number);
      expect(numbers).toEqual([
        '101',
        '102',
        '201',
        '202',
        '301',
        '302',
        '401',
        '402',
        '501',
        '502',
        '601',
        '602',
      ]);
    }
    for (const d of all) expect(d.number.startsWith(String(d.floor))).toBe(true);
  });

  it('handles the smallest and a tall building', () => {
    expect(generateDwellings({ floors: 1, entrances: 1, roomsPerFloor: 1 })).toEqual([
      { entrance: 1, floor: 1, number: '101' },
    ]);
    const tower = generateDwellings({ floors: 33, entrances: 3, roomsPerFloor: 4 });
    expect(tower).toHaveLength(33 * 3 * 4);
    expect(tower.at(-1)).toEqual({ entrance: 3, floor: 33, number: '3304' });
  });
});

describe('floorRooms', () => {
  it('numbers the flats of added floors as the floors below were numbered', () => {
    expect(floorRooms(7, 8, 2)).toEqual([
      { floor: 7, number: '701' },
      { floor: 7, number: '702' },
      { floor: 8, number: '801' },
      { floor: 8, number: '802' },
    ]);
    expect(floorRooms(9, 10, 1).map((d) => d.number)).toEqual(['901', '1001']);
  });

  it('gives nothing for empty floors or an empty range', () => {
    expect(floorRooms(7, 9, 0)).toEqual([]);
    expect(floorRooms(7, 6, 2)).toEqual([]);
  });
});

describe('dwellingLabel', () => {
  it('writes a numbered building with 号楼 and the entrance with 单元', () => {
    expect(dwellingLabel('5', 2, 2, '301')).toBe('5号楼2单元301');
    expect(dwellingLabel('12', 1, 3, '1203')).toBe('12号楼1单元1203');
  });

  it('leaves 单元 out of a single-entrance building', () => {
    expect(dwellingLabel('5', 1, 1, '301')).toBe('5号楼301');
  });

  it('keeps a building name that is not a bare number as it is', () => {
    expect(dwellingLabel('A座', 2, 2, '301')).toBe('A座2单元301');
    expect(dwellingLabel('5号楼', 1, 2, '101')).toBe('5号楼1单元101');
    expect(dwellingLabel('5a', 1, 1, '101')).toBe('5a101');
  });
});
