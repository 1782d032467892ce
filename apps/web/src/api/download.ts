import { currentLocale, i18n } from '../i18n/i18n';
import { fileNameOf } from '../ledgers/ledgerRules';
import { ApiError } from './client';

/**
 * Exports are POSTs (purpose and reason stay out of URLs and server logs), so the file comes back
 * through fetch and is handed to the browser as a download. Resolves to the file's name.
 */
export async function postForDownload(
  url: string,
  body: unknown,
  csrfToken: string,
  fallbackName: string,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'Accept-Language': currentLocale(),
        'X-CSRF-Token': csrfToken,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (!response.ok) {
    const payload = (await response.json().catch(() => null)) as {
      error?: { code: string; message: string; details?: unknown };
      requestId?: string;
    } | null;
    const error = payload?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'internal.error',
      error?.message ?? i18n.t('errors.unexpected'),
      error?.details,
      payload?.requestId ?? null,
    );
  }
  const name = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  saveBlob(await response.blob(), name);
  return name;
}

/** Hands a file made or fetched in the page to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
