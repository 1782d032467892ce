import { z } from 'zod';
import { boundedText, plainString } from './common';

/** What a resident may attach to an answer: photos and PDF scans. */
export const FORM_FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type FormFileType = (typeof FORM_FILE_TYPES)[number];
/** The hard ceiling whatever a form allows; a field's own `maxSizeKb` (default 2 MB) is usually lower. */
export const FORM_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const FORM_FILE_DEFAULT_MAX_KB = 2048;

export const PublicFormSlugParams = z.strictObject({
  slug: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'slug' }),
});

export const FormFileUploadQuery = z.strictObject({
  field: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { error: 'field_key' }),
  name: boundedText(200),
});

export const FormFileUploaded = z.object({
  fileId: z.uuid(),
  name: z.string(),
  size: z.number().int(),
});
export type FormFileUploaded = z.infer<typeof FormFileUploaded>;

export const FormFileReadQuery = z.strictObject({
  /** Why the file is opened; it lands in the audit log beside who opened it. */
  reason: plainString(200).trim().min(2).optional(),
});
