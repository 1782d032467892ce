/**
 * The public form API, spoken with plain fetch: no client library, no zod (the page must stay light).
 * Shapes follow the forms contract; the server re-validates everything the phone sends.
 */
import type { FormDefinition } from '@linli/shared/forms-answers';
import type { Locale } from './i18n';

export type FormState = 'open' | 'not_open' | 'closed' | 'full';

export type ChainEntry = {
  no: number;
  maskedName: string | null;
  place: string | null;
  choices: unknown;
  versionNo: number;
};

export type PublicForm = {
  slug: string;
  mode: 'form' | 'chain';
  title: string;
  /** Empty when the author gave no English: `localText` then shows the Chinese. */
  titleEn?: string;
  description: string | null;
  descriptionEn?: string;
  versionNo: number;
  definition: FormDefinition;
  privacy: {
    purpose: string;
    purposeEn?: string;
    audience: string;
    audienceEn?: string;
    retentionDays: number;
  } | null;
  state: FormState;
  opensAt: string | null;
  closesAt: string | null;
  areaName: string | null;
  submissionLimit: 'none' | 'per_phone' | 'per_dwelling';
  chain: null | {
    entries: ChainEntry[];
    /** Older versions' choice questions, for entries given on them. */
    olderVersions: Record<string, FormDefinition>;
    remaining: Record<string, Record<string, number>>;
  };
};

export type SubmissionAck = { reference: string; submittedAt: string; chainNo: number | null };
export type Place = { id: string; label: string };
/**
 * With `buildingId`, the server also says where that building is (for a per-building poster's `?b=`) and,
 * for a building of several, its entrances within the form's area.
 */
export type Places = {
  items: Place[];
  building?: { id: string; label: string; compoundId: string; compoundLabel: string };
  entrances?: Place[];
};
export type UploadedFile = { fileId: string; name: string; size: number };
export type ServerIssue = { path: string; code: string; message: string };

/** A phone on a weak network can hang for minutes; after this the answer is kept and retried later. */
const TIMEOUT_MS = 20_000;

/** The server answered with an error (4xx/5xx); `status` and `code` say which. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ServerIssue[] = [],
  ) {
    super(message);
  }
}

/** The request never got an answer: offline, dropped, timed out. */
export class NetworkError extends Error {}

/** Whether sending the same request again later may succeed (and is harmless, given its idempotency key). */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof NetworkError ||
    (error instanceof HttpError && (error.status >= 500 || error.status === 408))
  );
}

/**
 * The server turned the request away for now: too many from this address, which a carrier's shared
 * address or a whole group opening one link at once can reach. Later, not never.
 */
export function isRateLimited(error: unknown): boolean {
  return error instanceof HttpError && error.status === 429;
}

/** Why the form did not load, as the page words it. */
export type LoadFailure = 'not_found' | 'rate_limited' | 'server' | 'network';

export function loadFailure(error: unknown): LoadFailure {
  if (!(error instanceof HttpError)) return 'network';
  if (error.status === 404) return 'not_found';
  return isRateLimited(error) ? 'rate_limited' : 'server';
}

async function request<T>(
  locale: Locale,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = TIMEOUT_MS,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        'accept-language': locale,
        ...(body === undefined || body instanceof Blob ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined || body instanceof Blob ? body : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // A proxy's HTML error page, or the connection dropped while the body was coming.
    if (response.ok) throw new NetworkError('incomplete response');
  }
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string; details?: { issues?: unknown } } })
      ?.error;
    const issues = Array.isArray(error?.details?.issues) ? (error.details.issues as ServerIssue[]) : [];
    throw new HttpError(
      response.status,
      error?.code ?? `http.${response.status}`,
      error?.message ?? response.statusText,
      issues,
    );
  }
  return payload as T;
}

const base = (slug: string) => `/api/public/forms/${encodeURIComponent(slug)}`;

export function fetchForm(slug: string, locale: Locale): Promise<PublicForm> {
  return request(locale, 'GET', base(slug));
}

export type PlaceLevel = { compoundId?: string; buildingId?: string; entranceId?: string };

/** One level of the address cascader: the narrowest id given is the one asked by. */
export function fetchPlaces(slug: string, locale: Locale, level: PlaceLevel = {}): Promise<Places> {
  const query = level.entranceId
    ? `?entranceId=${encodeURIComponent(level.entranceId)}`
    : level.buildingId
      ? `?buildingId=${encodeURIComponent(level.buildingId)}`
      : level.compoundId
        ? `?compoundId=${encodeURIComponent(level.compoundId)}`
        : '';
  return request(locale, 'GET', `${base(slug)}/places${query}`);
}

/** The file itself is the body (no multipart); the answer then names it by the id the server gives. */
export function uploadFile(slug: string, locale: Locale, fieldKey: string, file: Blob, name: string) {
  const query = `?field=${encodeURIComponent(fieldKey)}&name=${encodeURIComponent(name)}`;
  return request<UploadedFile>(
    locale,
    'POST',
    `${base(slug)}/files${query}`,
    file,
    { 'content-type': file.type || 'application/octet-stream' },
    // A photo on a slow uplink takes a while.
    120_000,
  );
}

export type SubmissionBody = { answers: Record<string, unknown>; versionNo: number; website?: string };

export function postSubmission(
  slug: string,
  locale: Locale,
  idempotencyKey: string,
  body: SubmissionBody,
): Promise<SubmissionAck> {
  return request(locale, 'POST', `${base(slug)}/submissions`, body, { 'idempotency-key': idempotencyKey });
}

export function postWithdraw(slug: string, locale: Locale, reference: string): Promise<{ ok: true }> {
  return request(locale, 'POST', `${base(slug)}/withdraw`, { reference });
}
