import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ERRORS,
  type ErrorCode,
  errorMessage,
  FIELD_MESSAGES,
  LOCALES,
  pickLocale,
} from './errors';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the error table', () => {
  it('lists every code once, each named module.reason', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(30);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+\.[a-z_]+$/);
  });

  it.each(ERROR_CODES)('%s has a 4xx/5xx status and a message in both languages', (code) => {
    const entry = ERRORS[code];
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(entry.zh.trim().length).toBeGreaterThan(0);
    expect(entry.en.trim().length).toBeGreaterThan(0);
    // The Chinese message is Chinese, the English one is not.
    expect(entry.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(entry.en).not.toMatch(/[\u4e00-\u9fff]/);
    // Both languages take the same parameters.
    expect(placeholders(entry.zh)).toEqual(placeholders(entry.en));
  });

  it('gives the statuses the API contract relies on', () => {
    const expected: Partial<Record<ErrorCode, number>> = {
      'request.validation': 400,
      'auth.unauthenticated': 401,
      'auth.forbidden': 403,
      'area.not_found': 404,
      'area.version_conflict': 409,
      'area.invalid_parent': 422,
      'auth.locked': 423,
      'request.rate_limited': 429,
      'internal.error': 500,
    };
    for (const [code, status] of Object.entries(expected))
      expect(ERRORS[code as ErrorCode].status).toBe(status);
    // Every not_found is a 404 and every version conflict a 409, so clients can treat them alike.
    for (const code of ERROR_CODES) {
      if (code.endsWith('.not_found')) expect(ERRORS[code].status, code).toBe(404);
      if (code.endsWith('.version_conflict')) expect(ERRORS[code].status, code).toBe(409);
    }
  });

  it('has field messages in both languages', () => {
    for (const [key, m] of Object.entries(FIELD_MESSAGES)) {
      expect(m.zh, key).toMatch(/[\u4e00-\u9fff]/);
      expect(m.en.length, key).toBeGreaterThan(0);
    }
  });
});

describe('pickLocale', () => {
  it('defaults to Chinese', () => {
    expect(pickLocale(undefined)).toBe('zh-CN');
    expect(pickLocale(null)).toBe('zh-CN');
    expect(pickLocale('')).toBe('zh-CN');
    expect(pickLocale('*')).toBe('zh-CN');
    expect(pickLocale('fr-FR,fr;q=0.9')).toBe('zh-CN');
  });

  it('follows the first preference', () => {
    expect(pickLocale('en')).toBe('en-US');
    expect(pickLocale('en-GB,en;q=0.9')).toBe('en-US');
    expect(pickLocale('  EN-us ')).toBe('en-US');
    expect(pickLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickLocale('zh-TW')).toBe('zh-CN');
  });

  it('only answers locales it has', () => {
    for (const h of ['en', 'zh', 'de', undefined]) expect(LOCALES).toContain(pickLocale(h));
  });
});

describe('errorMessage', () => {
  it('answers in the chosen language', () => {
    expect(errorMessage('area.not_found', 'zh-CN')).toBe('区域不存在');
    expect(errorMessage('area.not_found', 'en-US')).toBe('Area not found');
  });

  it('fills every placeholder from the params', () => {
    expect(errorMessage('auth.locked', 'en-US', { minutes: 15 })).toBe(
      'Too many failed sign-ins; the account is locked for 15 minutes',
    );
    expect(errorMessage('auth.locked', 'zh-CN', { minutes: 7 })).toContain('请 7 分钟后再试');
    expect(
      errorMessage('user.scope_kind_mismatch', 'en-US', { role: 'community_worker', kinds: 'community' }),
    ).toBe('The role "community_worker" can only be granted on a community');
    expect(errorMessage('user.scope_kind_mismatch', 'zh-CN', { role: 'street_admin', kinds: 'street' })).toBe(
      '角色“street_admin”只能授予在 street 一级',
    );
  });

  it('leaves a placeholder visible when its param is missing, and ignores extra params', () => {
    expect(errorMessage('auth.locked', 'en-US')).toContain('{minutes}');
    expect(errorMessage('area.not_found', 'en-US', { minutes: 3 })).toBe('Area not found');
  });

  it('leaves no placeholder unfilled when all params are given', () => {
    for (const code of ERROR_CODES) {
      const params = Object.fromEntries(placeholders(ERRORS[code].en).map((p) => [p, 'X']));
      for (const locale of LOCALES) expect(errorMessage(code, locale, params)).not.toMatch(/\{\w+\}/);
    }
  });
});
