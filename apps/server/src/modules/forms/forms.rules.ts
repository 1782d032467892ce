import { randomInt } from 'node:crypto';
import {
  type AddressAnswer,
  type Answers,
  CHOICE_FIELD_TYPES,
  DISPLAY_ONLY_FIELD_TYPES,
  type FormDefinition,
  type FormField,
  type FormPublicState,
  fieldsOf,
  maskPersonName,
  type RegisterTarget,
  type SubmissionLimit,
  tagMappingProblems,
} from '@linli/shared';
import type { FormRow, SubmissionSummary } from './forms.table';

/** Crockford's base32: no I, L, O or U, so a reference read aloud or copied by hand survives. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_LENGTH = 10;

/** 10 random characters (50 bits): unguessable, and short enough to read over the phone. */
export function newReference(): string {
  let out = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) out += CROCKFORD[randomInt(32)];
  return out;
}

/** How a reference is shown and printed: ABCDE-FGHJK. */
export function formatReference(stored: string): string {
  return `${stored.slice(0, 5)}-${stored.slice(5)}`;
}

/** What a person types back: any case, spaces or dashes, O for 0 and I/L for 1. Null if it cannot be one. */
export function normaliseReference(input: string): string | null {
  const s = input
    // Phones in Chinese input mode type full-width letters, digits and dashes.
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== REFERENCE_LENGTH) return null;
  for (const c of s) if (!CROCKFORD.includes(c)) return null;
  return s;
}

/** A URL slug: lower-case letters and digits only, random, 10 characters. */
export function newSlug(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** JSON with sorted keys, so a resend whose object keys come in another order hashes the same. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** Capacity per option, by field key, for the choice fields that set one. */
export function capacitiesOf(definition: FormDefinition): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const field of fieldsOf(definition)) {
    if (!CHOICE_FIELD_TYPES.includes(field.type)) continue;
    for (const o of field.options ?? []) {
      if (o.capacity === undefined) continue;
      out[field.key] ??= {};
      out[field.key]![o.value] = o.capacity;
    }
  }
  return out;
}

export const hasCapacities = (definition: FormDefinition) => Object.keys(capacitiesOf(definition)).length > 0;

export type ChoiceCounts = Record<string, Record<string, number>>;

/** Places left per option with a capacity (never below zero). */
export function remainingOf(definition: FormDefinition, taken: ChoiceCounts): ChoiceCounts {
  const caps = capacitiesOf(definition);
  const out: ChoiceCounts = {};
  for (const [key, options] of Object.entries(caps)) {
    out[key] = {};
    for (const [value, capacity] of Object.entries(options))
      out[key]![value] = Math.max(0, capacity - (taken[key]?.[value] ?? 0));
  }
  return out;
}

/** The first chosen option that has no place left, if any. */
export function fullChoice(
  definition: FormDefinition,
  answers: Answers,
  taken: ChoiceCounts,
): { field: string; option: string } | null {
  const remaining = remainingOf(definition, taken);
  for (const [key, options] of Object.entries(remaining)) {
    const chosen = answers[key];
    const values = Array.isArray(chosen) ? chosen : typeof chosen === 'string' ? [chosen] : [];
    for (const v of values)
      if (options[v] !== undefined && options[v]! <= 0) return { field: key, option: v };
  }
  return null;
}

/**
 * The state a resident sees. `full` when some required choice field has a capacity on every option
 * and none is left: nobody could send a valid answer.
 */
export function publicState(
  form: { status: string; opensAt: Date | null; closesAt: Date | null },
  definition: FormDefinition,
  taken: ChoiceCounts,
  now: Date,
): FormPublicState {
  if (form.status !== 'published') return 'closed';
  if (form.opensAt && now < form.opensAt) return 'not_open';
  if (form.closesAt && now >= form.closesAt) return 'closed';
  const remaining = remainingOf(definition, taken);
  for (const field of fieldsOf(definition)) {
    if (!field.required || !CHOICE_FIELD_TYPES.includes(field.type)) continue;
    const options = field.options ?? [];
    const left = remaining[field.key];
    if (left && options.length > 0 && options.every((o) => left[o.value] === 0)) return 'full';
  }
  return 'open';
}

/** The field feeding a register target, or failing that the first field of the given type. */
export function fieldFor(
  definition: FormDefinition,
  target: RegisterTarget,
  type: FormField['type'] | null,
): FormField | null {
  const fields = fieldsOf(definition);
  // Without an explicit mapping, the first always-shown field of the type: a conditional one is about
  // someone else (the ID number of a new household member), not the person answering.
  return (
    fields.find((f) => f.maps === target) ??
    (type ? (fields.find((f) => f.type === type && !f.showIf) ?? null) : null)
  );
}

export const addressFieldsOf = (definition: FormDefinition) =>
  fieldsOf(definition).filter((f) => f.type === 'address');

/** Whether the definition has anything to answer at all. */
export const hasQuestions = (definition: FormDefinition) =>
  fieldsOf(definition).some((f) => !DISPLAY_ONLY_FIELD_TYPES.includes(f.type));

/**
 * Whether the one-answer limit can be enforced: it needs a required phone (per phone) or a required
 * address (per dwelling) that nothing can hide.
 */
export function limitEnforceable(definition: FormDefinition, limit: SubmissionLimit): boolean {
  if (limit === 'none') return true;
  const field =
    limit === 'per_phone'
      ? fieldFor(definition, 'resident.phone', 'phone')
      : fieldFor(definition, 'household.dwelling', 'address');
  return !!field && field.required === true && !field.showIf;
}

/**
 * The first field feeding the resident's tags with an option that is no tag a form may add, with the
 * path the builder knows it by; null when there is none. Checked at publishing, not on every save: a
 * draft may be half-built, while a published version is what residents answer and workers apply.
 */
export function unknownTagOption(definition: FormDefinition) {
  const first = tagMappingProblems(definition)[0];
  return first
    ? { field: first.field, option: first.option, path: ['draft', ...first.path].join('.') }
    : null;
}

export type Derived = {
  summary: SubmissionSummary;
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  dwellingId: string | null;
};

/** What is kept beside the ciphertext: who (for matching), where, and the choices (for chains). */
export function deriveFromAnswers(
  definition: FormDefinition,
  answers: Answers,
  place: string | null,
): Derived {
  const text = (f: FormField | null) => {
    const v = f ? answers[f.key] : undefined;
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const nameField =
    fieldFor(definition, 'resident.name', null) ??
    fieldsOf(definition).find((f) => f.type === 'text' && f.key === 'name') ??
    null;
  const name = text(nameField);
  const phone = text(fieldFor(definition, 'resident.phone', 'phone'));
  const idNumber = text(fieldFor(definition, 'resident.idNumber', 'id_number'));
  const addressField = fieldFor(definition, 'household.dwelling', 'address');
  const address = addressField ? (answers[addressField.key] as AddressAnswer | undefined) : undefined;
  const choices: Record<string, string[]> = {};
  for (const f of fieldsOf(definition)) {
    // A sensitive choice (symptoms …) stays inside the ciphertext: the summary is stored in clear and a
    // chain list shows it.
    if (!CHOICE_FIELD_TYPES.includes(f.type) || f.sensitive) continue;
    const v = answers[f.key];
    if (typeof v === 'string') choices[f.key] = [v];
    else if (Array.isArray(v)) choices[f.key] = v as string[];
  }
  const summary: SubmissionSummary = { choices };
  if (name) summary.maskedName = maskPersonName(name);
  if (place) summary.place = place;
  return { summary, name, phone, idNumber, dwellingId: address?.dwellingId ?? null };
}

/** How a building is called on a chain list and in the cascader: 5 → 5号楼. */
export function buildingLabel(name: string): string {
  return /^\d+$/.test(name) ? `${name}号楼` : name;
}

/** A dwelling in the cascader, under its building: 2单元 301 (the entrance only when there are several). */
export function dwellingShortLabel(entranceNumber: number, entranceCount: number, number: string): string {
  return entranceCount > 1 ? `${entranceNumber}单元 ${number}` : number;
}

/** Why a form takes no answer (or attachment) right now, or null when it does. */
export function answersRefused(
  form: Pick<FormRow, 'status' | 'opensAt' | 'closesAt'>,
  now: Date,
): 'form.closed' | 'form.not_open' | null {
  if (form.status !== 'published') return 'form.closed';
  if (form.opensAt && now < form.opensAt) return 'form.not_open';
  if (form.closesAt && now >= form.closesAt) return 'form.closed';
  return null;
}
