import { describe, expect, it, vi } from 'vitest';

// The client reads the UI language from i18n; tests need neither a browser nor resources.
vi.mock('../i18n/i18n', () => ({ currentLocale: () => 'zh-CN', i18n: { t: (key: string) => key } }));

const { itemsOf, withQuery } = await import('./client');

describe('withQuery', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(withQuery('/api/users', { q: '王 秀', areaId: undefined, cursor: '', limit: 50, x: null })).toBe(
      '/api/users?q=%E7%8E%8B+%E7%A7%80&limit=50',
    );
  });
  it('returns the bare path without parameters', () => {
    expect(withQuery('/api/users', {})).toBe('/api/users');
    expect(withQuery('/api/users')).toBe('/api/users');
  });
});

describe('itemsOf', () => {
  const numbers = itemsOf({
    parse: (input: unknown) => {
      if (typeof input !== 'number') throw new TypeError('not a number');
      return input;
    },
  });
  it('parses each item with the item schema', () => {
    expect(numbers.parse({ items: [1, 2] })).toEqual({ items: [1, 2] });
  });
  it('rejects a body without an items array, or with a bad item', () => {
    expect(() => numbers.parse({ items: 'no' })).toThrow();
    expect(() => numbers.parse(null)).toThrow();
    expect(() => numbers.parse({ items: [1, 'two'] })).toThrow();
  });
});
