import { FormSlugParams, SubmissionCreate, SubmissionHeaders } from '@linli/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasIdempotencyKey,
  isPlainSubmission,
  isSlugParams,
  submitValidatorCompiler,
} from './forms.public.validation';

const validate = (schema: unknown, httpPart: string) =>
  submitValidatorCompiler({ schema, method: 'POST', url: '/x', httpPart }) as (data: unknown) => unknown;

describe('the submit route’s plainly-valid checks', () => {
  it('accept the bodies, keys and slugs a phone sends', () => {
    expect(isPlainSubmission({ versionNo: 3, answers: { name: '张三', address: { dwellingId: 'x' } } })).toBe(
      true,
    );
    expect(isPlainSubmission({ versionNo: 1, answers: {}, website: '' })).toBe(true);
    expect(hasIdempotencyKey({ host: 'x', 'idempotency-key': 'k_0123456789-abc' })).toBe(true);
    expect(isSlugParams({ slug: 'abcdefghij' })).toBe(true);
  });

  it('never accept what the shared schemas refuse (those go through Zod and get its messages)', () => {
    const key = fc.oneof(
      fc.constantFrom('answers', 'versionNo', 'website', 'slug', 'idempotency-key'),
      fc.string(),
    );
    const leaf = fc.oneof(
      fc.string({ maxLength: 220 }),
      fc.integer(),
      fc.double(),
      fc.constantFrom(0, 1, 1_000_000, 1_000_001, -1, 2.5, null, true, 'a'.repeat(61), 'x'.repeat(201)),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('any'), { maxLength: 3 }), tie('obj')),
      obj: fc.dictionary(key, tie('any'), { maxKeys: 4 }),
    })).any;
    fc.assert(
      fc.property(value, (data) => {
        if (isPlainSubmission(data)) expect(SubmissionCreate.safeParse(data).success).toBe(true);
        if (hasIdempotencyKey(data)) expect(SubmissionHeaders.safeParse(data).success).toBe(true);
        if (isSlugParams(data)) expect(FormSlugParams.safeParse(data).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
    const bodies = fc.record(
      {
        versionNo: fc.oneof(fc.integer({ min: -2, max: 1_000_002 }), fc.double(), fc.string()),
        answers: fc.oneof(fc.dictionary(fc.string({ maxLength: 70 }), leaf, { maxKeys: 4 }), leaf),
        website: fc.oneof(fc.string({ maxLength: 220 }), leaf),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(bodies, (body) => {
        if (isPlainSubmission(body)) expect(SubmissionCreate.safeParse(body).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('hand anything else to the shared schema, which names the field', () => {
    const body = validate(SubmissionCreate, 'body');
    expect(body({ versionNo: 1, answers: { a: 1 } })).toBe(true);
    for (const bad of [
      { versionNo: 0, answers: {} },
      { versionNo: 1, answers: [] },
      { versionNo: 1, answers: {}, extra: 1 },
      { versionNo: 1, answers: { ['k'.repeat(61)]: 1 } },
    ]) {
      const result = body(bad) as { error?: { instancePath: string }[] };
      expect(result.error, JSON.stringify(bad)).toBeDefined();
    }
    expect(
      (body({ versionNo: 'one', answers: {} }) as { error: { instancePath: string }[] }).error[0]!
        .instancePath,
    ).toBe('/versionNo');
    const headers = validate(SubmissionHeaders, 'headers');
    expect(headers({ 'idempotency-key': 'short' })).toHaveProperty('error');
    expect(validate(FormSlugParams, 'params')({ slug: 'a/b' })).toHaveProperty('error');
  });
});
