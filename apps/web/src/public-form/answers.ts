/**
 * Between the inputs and the shared rules: turns what the inputs hold into what `checkAnswers` (on the
 * phone and again on the server) reads, and labels for the chain list.
 */
import {
  DISPLAY_ONLY_FIELD_TYPES,
  type FormDefinition,
  type FormField,
  type FormOption,
  fieldsOf,
  isFieldVisible,
  localText,
} from '@linli/shared/forms-answers';
import type { Locale } from './i18n';

/** An address as the cascader holds it; only `dwellingId` is sent (the server labels it from the register). */
export type AddressValue = { compoundId?: string; buildingId?: string; dwellingId?: string; label?: string };

export function fieldLabel(field: Pick<FormField, 'label' | 'labelEn'>, locale: Locale): string {
  return localText(field.label, field.labelEn, locale);
}

export function optionLabel(option: FormOption, locale: Locale): string {
  return localText(option.label, option.labelEn, locale);
}

/** `<input type="datetime-local">` gives the phone's wall time without a zone; the server needs an instant. */
export function localDateTimeToIso(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/**
 * The answer as the rules read it: only fields the resident can see and answer, blanks left as they
 * are (the rules decide whether a blank is allowed), datetimes as instants, addresses as the dwelling.
 */
export function rawAnswers(
  definition: FormDefinition,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const field of fieldsOf(definition)) {
    if (DISPLAY_ONLY_FIELD_TYPES.includes(field.type)) continue;
    if (!isFieldVisible(field, values)) continue;
    const value = values[field.key];
    if (value === undefined) continue;
    if (field.type === 'datetime' && typeof value === 'string') raw[field.key] = localDateTimeToIso(value);
    else if (field.type === 'address') {
      const address = value as AddressValue | null;
      if (address?.dwellingId) raw[field.key] = { dwellingId: address.dwellingId };
    } else raw[field.key] = value;
  }
  return raw;
}

/** Keeps only the values a (possibly newer) version of the form still has a field for. */
export function keepKnownValues(
  definition: FormDefinition,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const known = new Set(fieldsOf(definition).map((f) => f.key));
  return Object.fromEntries(Object.entries(values).filter(([key]) => known.has(key)));
}

/**
 * What a chain entry chose, in words. The list may give option values per field, a list of values or
 * labels, or plain text; each value is shown by its option's label when the form has one.
 */
export function describeChoices(choices: unknown, definition: FormDefinition, locale: Locale): string {
  const fields = fieldsOf(definition).filter((f) => f.options?.length);
  const labelOf = (value: unknown, field?: FormField): string => {
    if (typeof value !== 'string' && typeof value !== 'number') return '';
    const text = String(value);
    for (const f of field ? [field] : fields) {
      const option = f.options?.find((o) => o.value === text);
      if (option) return optionLabel(option, locale);
    }
    return text;
  };
  const many = (value: unknown, field?: FormField): string[] =>
    (Array.isArray(value) ? value : [value]).map((v) => labelOf(v, field)).filter(Boolean);
  if (choices && typeof choices === 'object' && !Array.isArray(choices)) {
    return Object.entries(choices as Record<string, unknown>)
      .flatMap(([key, value]) =>
        many(
          value,
          fields.find((f) => f.key === key),
        ),
      )
      .join('、');
  }
  return many(choices).join('、');
}
