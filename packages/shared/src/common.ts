import { z } from 'zod';

export const Id = z.uuid();
export const IdParams = z.strictObject({ id: Id });
export const Version = z.number().int().min(1).max(2_147_483_647);

/** Every free-text input is bounded; trimming happens before the length check. */
export const boundedText = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => z.string().trim().max(max);

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
export const Cursor = z.string().trim().max(200);

export const Ok = z.object({ ok: z.literal(true) });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
