import { AREA_KINDS, type AreaKind } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { CHILD_KIND, canMove, isValidParent, pathIds, placeUnder } from './areas.rules';

const place = (kind: AreaKind, id: string, keys: Partial<Record<'d' | 's' | 'c', string>>, path: string) => ({
  id,
  kind,
  path,
  districtId: keys.d ?? null,
  streetId: keys.s ?? null,
  communityId: keys.c ?? null,
});
const district = place('district', 'd1', { d: 'd1' }, '/d1/');
const street1 = place('street', 's1', { d: 'd1', s: 's1' }, '/d1/s1/');
const street2 = place('street', 's2', { d: 'd1', s: 's2' }, '/d1/s2/');
const commA = place('community', 'cA', { d: 'd1', s: 's1', c: 'cA' }, '/d1/s1/cA/');
const commB = place('community', 'cB', { d: 'd1', s: 's1', c: 'cB' }, '/d1/s1/cB/');
const commC = place('community', 'cC', { d: 'd1', s: 's2', c: 'cC' }, '/d1/s2/cC/');
const compoundA = place('compound', 'pA', { d: 'd1', s: 's1', c: 'cA' }, '/d1/s1/cA/pA/');

describe('isValidParent', () => {
  it('accepts exactly one level down', () => {
    expect(isValidParent('district', null)).toBe(true);
    expect(isValidParent('street', 'district')).toBe(true);
    expect(isValidParent('community', 'street')).toBe(true);
    expect(isValidParent('compound', 'community')).toBe(true);
  });

  it('refuses every other pairing', () => {
    const valid = new Set(['district:null', 'street:district', 'community:street', 'compound:community']);
    for (const kind of AREA_KINDS) {
      for (const parent of [null, ...AREA_KINDS]) {
        expect(isValidParent(kind, parent), `${kind} under ${parent}`).toBe(valid.has(`${kind}:${parent}`));
      }
    }
  });

  it('knows that a compound holds no areas', () => {
    expect(CHILD_KIND.compound).toBeNull();
    expect(CHILD_KIND.community).toBe('compound');
  });
});

describe('placeUnder', () => {
  it('gives a district its own id and a root path', () => {
    expect(placeUnder('d9', 'district', null)).toEqual({
      path: '/d9/',
      districtId: 'd9',
      streetId: null,
      communityId: null,
    });
  });

  it('inherits the keys above and sets its own level', () => {
    expect(placeUnder('s9', 'street', district)).toEqual({
      path: '/d1/s9/',
      districtId: 'd1',
      streetId: 's9',
      communityId: null,
    });
    expect(placeUnder('c9', 'community', street1)).toEqual({
      path: '/d1/s1/c9/',
      districtId: 'd1',
      streetId: 's1',
      communityId: 'c9',
    });
    expect(placeUnder('p9', 'compound', commA)).toEqual({
      path: '/d1/s1/cA/p9/',
      districtId: 'd1',
      streetId: 's1',
      communityId: 'cA',
    });
  });

  it('re-keys a compound placed under another community', () => {
    expect(placeUnder('pA', 'compound', commB)).toEqual({
      path: '/d1/s1/cB/pA/',
      districtId: 'd1',
      streetId: 's1',
      communityId: 'cB',
    });
  });
});

describe('pathIds', () => {
  it('lists the ids root first, the node last', () => {
    expect(pathIds('/d1/s1/cA/pA/')).toEqual(['d1', 's1', 'cA', 'pA']);
    expect(pathIds('/d1/')).toEqual(['d1']);
    expect(pathIds('/')).toEqual([]);
  });
});

describe('canMove', () => {
  it('moves a compound to another community of the same street', () => {
    expect(canMove('compound', commA, commB)).toBe(true);
  });

  it('refuses a compound moving to its own community, another street, or a non-community', () => {
    expect(canMove('compound', commA, commA)).toBe(false);
    expect(canMove('compound', commA, commC)).toBe(false);
    expect(canMove('compound', commA, street1)).toBe(false);
    expect(canMove('compound', commA, compoundA)).toBe(false);
  });

  it('never moves communities, streets or districts', () => {
    expect(canMove('community', street1, street2)).toBe(false);
    expect(canMove('community', street1, street1)).toBe(false);
    expect(canMove('street', district, district)).toBe(false);
    expect(canMove('district', district, district)).toBe(false);
  });
});
