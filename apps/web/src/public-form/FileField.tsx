import { type FileAnswer, type FormField, formAnswerMessage } from '@linli/shared/forms-answers';
import { useState } from 'react';
import { HttpError, uploadFile } from './api';
import type { Locale, Translate } from './i18n';

/** What the server takes (packages/shared uploads.ts); anything else is refused before it is sent. */
const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];
const DEFAULT_MAX_KB = 2048;

/**
 * Phone cameras take 3–8 MB photos (and iPhones HEIC), over most forms' limit: a photo is redrawn as a
 * JPEG of a size that fits, which is also far quicker to send on a weak network.
 */
async function shrinkImage(file: File, maxBytes: number): Promise<Blob | null> {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(file);
    for (const side of [2400, 1800, 1400, 1000]) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
      if (blob && blob.size <= maxBytes) return blob;
    }
  } catch {
    // The browser cannot read this image; the resident is told it cannot be sent.
  }
  return null;
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

type Props = {
  field: FormField;
  value: unknown;
  onChange: (value: FileAnswer | undefined) => void;
  slug: string;
  locale: Locale;
  t: Translate;
  id: string;
  invalid: boolean;
  disabled: boolean;
};

/** The file is sent as soon as it is chosen; the answer then names it. */
export function FileField({ field, value, onChange, slug, locale, t, id, invalid, disabled }: Props) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const maxKb = field.maxSizeKb ?? DEFAULT_MAX_KB;
  const current = value && typeof value === 'object' && 'fileId' in value ? (value as FileAnswer) : null;

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setProblem('');
    let body: Blob = file;
    let name = file.name || 'photo.jpg';
    if (file.size > maxKb * 1024 || !ACCEPTED.includes(file.type)) {
      const smaller = await shrinkImage(file, maxKb * 1024);
      if (smaller) {
        body = smaller;
        name = `${name.replace(/\.[^.]*$/, '') || 'photo'}.jpg`;
      } else if (!ACCEPTED.includes(file.type)) {
        setProblem(t('fileType'));
        return;
      } else {
        setProblem(
          formAnswerMessage(
            { field: field.key, code: 'file_too_large', params: { max: maxKb } },
            locale,
            field,
          ),
        );
        return;
      }
    }
    setBusy(true);
    try {
      onChange(await uploadFile(slug, locale, field.key, body, name.slice(0, 200)));
    } catch (error) {
      setProblem(t('fileFailed', { message: error instanceof HttpError ? error.message : t('offline') }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pf-file">
      {current ? (
        <div className="pf-file-chosen" data-testid={`${id}-chosen`}>
          <span className="pf-choice-text">
            {t('fileUploaded', { name: current.name, size: sizeText(current.size) })}
          </span>
          <button type="button" className="pf-link" disabled={disabled} onClick={() => onChange(undefined)}>
            {t('fileRemove')}
          </button>
        </div>
      ) : (
        <label className={`pf-choice${busy ? ' pf-choice-on' : ''}`}>
          <input
            id={id}
            data-testid={id}
            type="file"
            accept={`${ACCEPTED.join(',')},image/*`}
            disabled={disabled || busy}
            aria-invalid={invalid || undefined}
            onChange={(e) => {
              void choose(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <span className="pf-choice-text">
            {busy ? t('fileUploading') : t('fileChoose', { max: sizeText(maxKb * 1024) })}
          </span>
        </label>
      )}
      {problem && (
        <p className="pf-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
