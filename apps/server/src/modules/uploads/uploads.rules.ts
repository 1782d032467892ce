import { FORM_FILE_DEFAULT_MAX_KB, FORM_FILE_MAX_BYTES, type FormFileType } from '@linli/shared';

/**
 * The type a file really is, from its first bytes. The declared Content-Type is only a claim: a
 * file whose bytes say otherwise is refused, so nothing but these four is ever stored or served.
 */
export function sniffFileType(bytes: Buffer): FormFileType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

/** Bytes a file field accepts: the field's own limit, never above the hard ceiling. */
export function maxFileBytes(maxSizeKb: number | undefined): number {
  return Math.min((maxSizeKb ?? FORM_FILE_DEFAULT_MAX_KB) * 1024, FORM_FILE_MAX_BYTES);
}

/** A file name safe to store and to send back in Content-Disposition: no path, no control characters. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  const kept = [...base].filter(
    (c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) !== 127 && !'"<>:|?*'.includes(c),
  );
  const cleaned = [...kept.join('').trim()].slice(-100).join('');
  return cleaned || 'file';
}

const EXTENSIONS: Record<FormFileType, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'application/pdf': '.pdf',
};

/** The name the file is served under: its own, with the extension of what it really is. */
export function servedFileName(name: string, type: FormFileType): string {
  const ext = EXTENSIONS[type];
  return name.toLowerCase().endsWith(ext) || (type === 'image/jpeg' && /\.jpe?g$/i.test(name))
    ? name
    : `${name}${ext}`;
}
