import { z } from 'zod';

export const Id = z.uuid();
export const IdParams = z.strictObject({ id: Id });
export const Version = z.number().int().min(1).max(2_147_483_647);

/** Control characters (NUL above all, which PostgreSQL refuses in text) never enter the database. */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return true;
  }
  return false;
}
const noControlChars = (s: string) => !hasControlChars(s);

/** Any string that reaches a query: bounded and free of control characters. */
export const plainString = (max: number) =>
  z.string().max(max).refine(noControlChars, { error: 'control_chars' });

/** Every free-text input is bounded; trimming happens before the length check. */
export const boundedText = (max: number) =>
  plainString(max * 4)
    .trim()
    .min(1)
    .max(max);
export const optionalText = (max: number) =>
  plainString(max * 4)
    .trim()
    .max(max);

export const Name = boundedText(100);
/** Mainland mobile number: 11 digits starting 1[3-9]. */
export const MobilePhone = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, { error: 'phone' });
export const IsoDateTime = z.iso.datetime({ offset: true });
/** GB/T 2260 district code (6 digits) or the 12-digit statistical code of a committee. */
export const DivisionCode = z
  .string()
  .trim()
  .regex(/^(\d{6}|\d{9}|\d{12})$/, { error: 'division_code' });

export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Cursor = plainString(200).trim();

export const Ok = z.object({ ok: z.literal(true) });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
