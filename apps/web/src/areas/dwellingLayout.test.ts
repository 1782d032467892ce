import type { BuildingDetail, Dwelling } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { layoutDwellings } from './dwellingLayout';

const E1 = '00000000-0000-7000-8000-000000000001';
const E2 = '00000000-0000-7000-8000-000000000002';
const BUILDING = '00000000-0000-7000-8000-0000000000b1';

let seq = 100;
function dwelling(
  entranceId: string,
  floor: number,
  number: string,
  status: Dwelling['status'] = 'active',
): Dwelling {
  seq += 1;
  return {
    id: `00000000-0000-7000-8000-000000000${seq}`,
    buildingId: BUILDING,
    entranceId,
    floor,
    number,
    label: `5号楼${number}`,
    status,
    type: null,
    use: null,
    version: 1,
  };
}

function building(dwellings: Dwelling[], floors = 2): BuildingDetail {
  return {
    id: BUILDING,
    streetId: BUILDING,
    communityId: BUILDING,
    compoundId: BUILDING,
    name: '5号楼',
    kind: 'residential',
    floors,
    entranceCount: 2,
    roomsPerFloor: 2,
    builtYear: null,
    notes: '',
    dwellingCount: dwellings.length,
    version: 1,
    // Deliberately out of order: the layout sorts entrances by number.
    entrances: [
      { id: E2, number: 2, name: '2单元' },
      { id: E1, number: 1, name: '1单元' },
    ],
    dwellings,
  };
}

describe('layoutDwellings', () => {
  it('draws the top floor first and entrances in number order', () => {
    const layout = layoutDwellings(building([dwelling(E1, 1, '101'), dwelling(E2, 2, '201')]));
    expect(layout.floors).toEqual([2, 1]);
    expect(layout.entrances.map((e) => e.number)).toEqual([1, 2]);
  });

  it('keeps every floor of the building even without dwellings, and adds floors found on dwellings', () => {
    const layout = layoutDwellings(building([dwelling(E1, -1, 'B01')], 3));
    expect(layout.floors).toEqual([3, 2, 1, -1]);
    expect(layout.dwellingsAt(E1, 2)).toEqual([]);
  });

  it('shows a raised building’s new floors on top, with their flats and the sparse floors below', () => {
    // An imported building (3 floors, two flats named by its file) raised to 5 with one flat per floor.
    const raised = building(
      [dwelling(E1, 3, '301'), dwelling(E2, 1, '102'), dwelling(E1, 4, '401'), dwelling(E2, 4, '401')].concat(
        dwelling(E1, 5, '501'),
        dwelling(E2, 5, '501'),
      ),
      5,
    );
    const layout = layoutDwellings(raised);
    expect(layout.floors).toEqual([5, 4, 3, 2, 1]);
    expect(layout.dwellingsAt(E1, 5).map((d) => d.number)).toEqual(['501']);
    expect(layout.dwellingsAt(E2, 4).map((d) => d.number)).toEqual(['401']);
    expect(layout.dwellingsAt(E1, 2)).toEqual([]);
  });

  it('sorts the dwellings of a cell by number, comparing digits as numbers', () => {
    const layout = layoutDwellings(
      building([dwelling(E1, 1, '110'), dwelling(E1, 1, '102'), dwelling(E1, 1, '101A', 'archived')]),
    );
    expect(layout.dwellingsAt(E1, 1).map((d) => d.number)).toEqual(['101A', '102', '110']);
    expect(layout.dwellingsAt(E2, 1)).toEqual([]);
  });
});
