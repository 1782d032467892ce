import { ERRORS, type ErrorCode, errorMessage } from '@linli/shared';
import { currentLocale, i18n } from '../i18n/i18n';

/** Anything with a Zod-like `parse`; responses are checked against the shared schemas. */
export interface ResponseSchema<T> {
  parse(input: unknown): T;
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

let csrfToken: string | null = null;

/** The session's CSRF token comes from the login response and GET /api/me. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function withQuery(path: string, query?: QueryParams): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function fallbackMessage(code: string): string {
  return isErrorCode(code) ? errorMessage(code, currentLocale()) : i18n.t('errors.unexpected');
}

interface ErrorEnvelope {
  error: { code: string; message?: string; details?: unknown };
  requestId?: string;
}

function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  if (isErrorEnvelope(body)) {
    const { code, message, details } = body.error;
    return new ApiError(
      response.status,
      code,
      message || fallbackMessage(code),
      details,
      body.requestId ?? null,
    );
  }
  // A proxy or gateway answered instead of the API: treat it as the service being unavailable.
  const code: ErrorCode = response.status >= 500 ? 'internal.unavailable' : 'internal.error';
  return new ApiError(response.status, code, fallbackMessage(code));
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

async function request<T>(
  method: Method,
  path: string,
  schema: ResponseSchema<T>,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': currentLocale() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }

  const payload = await readJson(response);
  if (!response.ok) throw toApiError(response, payload);
  try {
    return schema.parse(payload);
  } catch {
    throw new ApiError(response.status, 'response.invalid', i18n.t('errors.invalidResponse'));
  }
}

export const api = {
  get: <T>(path: string, schema: ResponseSchema<T>, query?: QueryParams) =>
    request('GET', withQuery(path, query), schema),
  post: <T>(path: string, schema: ResponseSchema<T>, body: unknown = {}) =>
    request('POST', path, schema, body),
  patch: <T>(path: string, schema: ResponseSchema<T>, body: unknown) => request('PATCH', path, schema, body),
};

/** `{ items: T[] }`, the shape of every unpaged list the API returns. */
export function itemsOf<T>(item: ResponseSchema<T>): ResponseSchema<{ items: T[] }> {
  return {
    parse(input) {
      if (typeof input !== 'object' || input === null || !('items' in input) || !Array.isArray(input.items)) {
        throw new TypeError('expected { items: [] }');
      }
      return { items: input.items.map((entry: unknown) => item.parse(entry)) };
    },
  };
}
