import { FormSlugParams, SubmissionCreate, SubmissionHeaders } from '@linli/shared';
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { validatorCompiler } from '../../platform/validation';

const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_-]{8,100}$/;
const SLUG_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SUBMISSION_KEYS = new Set(['answers', 'versionNo', 'website']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What `SubmissionCreate` accepts, for a body parsed from JSON: its answers are then checked field by field. */
export function isPlainSubmission(body: unknown): boolean {
  if (!isObject(body) || Object.getPrototypeOf(body) !== Object.prototype) return false;
  for (const key in body) if (!SUBMISSION_KEYS.has(key)) return false;
  const { answers, versionNo, website } = body;
  if (!isObject(answers) || Object.getPrototypeOf(answers) !== Object.prototype) return false;
  for (const key in answers) if (key.length > 60) return false;
  if (typeof versionNo !== 'number' || !Number.isInteger(versionNo) || versionNo < 1 || versionNo > 1_000_000)
    return false;
  return website === undefined || (typeof website === 'string' && website.length <= 200);
}

/** What `SubmissionHeaders` accepts. */
export const hasIdempotencyKey = (headers: unknown): boolean =>
  isObject(headers) &&
  typeof headers['idempotency-key'] === 'string' &&
  IDEMPOTENCY_KEY_RE.test(headers['idempotency-key']);

/** What `FormSlugParams` accepts. */
export function isSlugParams(params: unknown): boolean {
  if (!isObject(params) || typeof params.slug !== 'string' || !SLUG_RE.test(params.slug)) return false;
  for (const key in params) if (key !== 'slug') return false;
  return true;
}

const PLAINLY_VALID = new Map<z.ZodType, (data: unknown) => boolean>([
  [SubmissionCreate, isPlainSubmission],
  [SubmissionHeaders, hasIdempotencyKey],
  [FormSlugParams, isSlugParams],
]);

/**
 * The public submit route's validator: a request that is plainly valid is accepted as it came (none of
 * these schemas changes what it accepts, so Zod's copy would be the same); anything else is parsed by
 * the shared schema as on every other route, so a refusal names the same field in the same words. It
 * only saves Zod's work on the route every resident's answer takes.
 */
export const submitValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const parse = validatorCompiler({ ...route, schema: route.schema as z.ZodType });
  const plainlyValid = PLAINLY_VALID.get(route.schema as z.ZodType);
  if (!plainlyValid) return parse;
  return (data) => (plainlyValid(data) ? true : parse(data));
};
