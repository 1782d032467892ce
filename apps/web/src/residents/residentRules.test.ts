import { idCheckChar } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  changedFields,
  checkIdNumber,
  importedFrom,
  SETTABLE_TAGS,
  settableTagsOf,
  tagChangesOf,
} from './residentRules';

const first17 = '11010519491231002';
const VALID = `${first17}${idCheckChar(first17)}`;
const WRONG = `${first17}${idCheckChar(first17) === '0' ? '1' : '0'}`;

describe('checkIdNumber', () => {
  it('reads birth date and sex from a valid resident ID', () => {
    expect(checkIdNumber(VALID, 'resident_id')).toEqual({
      state: 'valid',
      facts: { birthDate: '1949-12-31', sex: 'female' },
    });
  });
  it('accepts a lowercase x and spaces like the server', () => {
    const id = '11010519491231001';
    const check = idCheckChar(id);
    const typed = ` ${id}${check.toLowerCase()} `;
    expect(checkIdNumber(typed, null).state).toBe('valid');
  });
  it('flags a wrong check character', () => {
    expect(checkIdNumber(WRONG, 'resident_id')).toEqual({ state: 'invalid' });
  });
  it('leaves other documents and empty input alone', () => {
    expect(checkIdNumber('E12345678', 'passport')).toEqual({ state: 'other' });
    expect(checkIdNumber('  ', 'resident_id')).toEqual({ state: 'empty' });
  });
});

describe('tags', () => {
  it('never offers derived age tags', () => {
    expect(SETTABLE_TAGS).not.toContain('aged_80');
    expect(SETTABLE_TAGS).toContain('living_alone');
    expect(settableTagsOf(['aged_80', 'aged_90', 'living_alone'])).toEqual(['living_alone']);
  });
});

describe('changedFields', () => {
  it('keeps only what differs, comparing tag lists as sets', () => {
    expect(
      changedFields(
        { phone: undefined, tenure: 'owner', tags: ['a', 'b'] },
        { phone: '13900001234', tenure: 'owner', tags: ['b', 'a'] },
      ),
    ).toEqual({ phone: '13900001234' });
  });
});

describe('tagChangesOf', () => {
  it('lists what each timeline entry added and removed, counting redacted tags by number', () => {
    const changes = tagChangesOf([
      {
        at: '2026-01-02T00:00:00Z',
        actorName: '王',
        changes: {
          tags: { from: ['living_alone', '[redacted]'], to: ['empty_nest', '[redacted]', '[redacted]'] },
        },
      },
      { at: '2026-01-01T12:00:00Z', actorName: null, changes: { phone: { from: 'a', to: 'b' } } },
      { at: '2026-01-01T00:00:00Z', actorName: '李', changes: { tags: { to: ['living_alone'] } } },
      {
        at: '2025-12-31T00:00:00Z',
        actorName: '李',
        changes: { tags: { from: ['volunteer'], to: ['volunteer'] } },
      },
    ]);
    expect(changes).toEqual([
      {
        at: '2026-01-02T00:00:00Z',
        actorName: '王',
        added: ['empty_nest', '[redacted]'],
        removed: ['living_alone'],
      },
      { at: '2026-01-01T00:00:00Z', actorName: '李', added: ['living_alone'], removed: [] },
    ]);
  });
});

describe('importedFrom', () => {
  it('reads the file and row an import wrote, file names with spaces included', () => {
    expect(importedFrom('导入: 阳光台账.xlsx 第3行')).toEqual({ file: '阳光台账.xlsx', row: 3 });
    expect(importedFrom('导入: 2024 年 台账.csv 第120行')).toEqual({ file: '2024 年 台账.csv', row: 120 });
  });
  it('leaves every other provenance alone', () => {
    expect(importedFrom('manual')).toBeNull();
    expect(importedFrom('demo')).toBeNull();
    expect(importedFrom('导入: 第3行')).toBeNull();
    expect(importedFrom(null)).toBeNull();
    expect(importedFrom(3)).toBeNull();
  });
});
