import { describe, expect, it } from 'vitest';
import { fileNameOf, moveItem } from './ledgerRules';

describe('moveItem', () => {
  it('swaps with the neighbour and leaves the ends alone', () => {
    expect(moveItem(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
});

describe('fileNameOf', () => {
  it('prefers the RFC 5987 name, so Chinese names survive', () => {
    const header = `attachment; filename="_20261123-1005.xlsx"; filename*=UTF-8''${encodeURIComponent('高龄台账')}_20261123-1005.xlsx`;
    expect(fileNameOf(header, 'ledger.xlsx')).toBe('高龄台账_20261123-1005.xlsx');
  });
  it('falls back to the plain name, then to the default', () => {
    expect(fileNameOf('attachment; filename="ledger.csv"', 'x.csv')).toBe('ledger.csv');
    expect(fileNameOf(`attachment; filename="a.csv"; filename*=UTF-8''%E0%A4%A`, 'x.csv')).toBe('a.csv');
    expect(fileNameOf(null, 'x.csv')).toBe('x.csv');
  });
});
