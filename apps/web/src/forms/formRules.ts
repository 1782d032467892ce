import {
  CHOICE_FIELD_TYPES,
  definitionProblems,
  type FormDefinition,
  type FormField,
  type FormFieldType,
  type FormOption,
  isFormTagCode,
  REGISTER_TARGET_KEYS,
  REGISTER_TARGETS,
  type RegisterTarget,
  TAGS,
  tagMappingProblems,
} from '@linli/shared';

export type Path = readonly (string | number)[];
export const pathKey = (path: Path) => path.join('.');

/** Field types a show-if condition can look at: the answer is an option or yes/no. */
const CONDITION_TYPES: readonly FormFieldType[] = ['single', 'multi', 'yes_no'];
/** Types with a minimum and maximum (number: value; text: length). */
export const NUMERIC_TYPES: readonly FormFieldType[] = ['number'];
export const LENGTH_TYPES: readonly FormFieldType[] = ['text', 'textarea'];

export const isChoice = (type: FormFieldType | undefined) => !!type && CHOICE_FIELD_TYPES.includes(type);

export function compatibleTargets(type: FormFieldType | undefined): RegisterTarget[] {
  if (!type) return [];
  return REGISTER_TARGET_KEYS.filter((target) =>
    (REGISTER_TARGETS[target] as readonly FormFieldType[]).includes(type),
  );
}

/**
 * What the builder holds while someone types can be half-filled (a new option without a value, a
 * cleared number). This turns it into a definition the shared rules and the server read the same way.
 */
export function cleanDefinition(raw: unknown): FormDefinition {
  const sections = Array.isArray((raw as { sections?: unknown })?.sections)
    ? (raw as { sections: unknown[] }).sections
    : [];
  return {
    sections: sections.map((s) => {
      const section = (s ?? {}) as Partial<FormDefinition['sections'][number]>;
      const titleEn = text(section.titleEn);
      const description = text(section.description);
      const descriptionEn = text(section.descriptionEn);
      return {
        title: text(section.title) ?? '',
        ...(titleEn && { titleEn }),
        ...(description && { description }),
        ...(descriptionEn && { descriptionEn }),
        fields: (Array.isArray(section.fields) ? section.fields : []).map(cleanField),
      };
    }),
  };
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function cleanField(raw: unknown): FormField {
  const f = (raw ?? {}) as Partial<FormField>;
  const type = (f.type ?? 'text') as FormFieldType;
  const field: FormField = {
    key: typeof f.key === 'string' ? f.key.trim() : '',
    type,
    label: text(f.label) ?? '',
  };
  const labelEn = text(f.labelEn);
  const help = text(f.help);
  const helpEn = text(f.helpEn);
  const message = text(f.message);
  const messageEn = text(f.messageEn);
  if (labelEn) field.labelEn = labelEn;
  if (help) field.help = help;
  if (helpEn) field.helpEn = helpEn;
  // A text block takes no answer to refuse; a consent box is only ever refused for being unticked.
  const worded = type !== 'info' && type !== 'consent';
  if (message && worded) field.message = message;
  if (messageEn && worded) field.messageEn = messageEn;
  if (f.required) field.required = true;
  // Phones and ID numbers are always masked; the flag is for the rest (health, welfare …).
  if (f.sensitive && type !== 'info' && type !== 'phone' && type !== 'id_number') field.sensitive = true;
  if (NUMERIC_TYPES.includes(type)) {
    const min = num(f.min);
    const unit = text(f.unit);
    if (min !== undefined) field.min = min;
    if (unit) field.unit = unit;
  }
  if (NUMERIC_TYPES.includes(type) || LENGTH_TYPES.includes(type) || type === 'multi') {
    const max = num(f.max);
    if (max !== undefined) field.max = max;
  }
  // A choice field keeps its options even when empty, so "options required" is shown rather than hidden.
  if (isChoice(type)) field.options = (f.options ?? []).map(cleanOption);
  if (f.showIf?.field) {
    field.showIf = {
      field: f.showIf.field,
      op: f.showIf.op === 'includes' ? 'includes' : 'equals',
      value: typeof f.showIf.value === 'string' ? f.showIf.value : '',
    };
  }
  if (f.maps) field.maps = f.maps;
  if (type === 'file') {
    const size = num(f.maxSizeKb);
    if (size !== undefined) field.maxSizeKb = size;
  }
  return field;
}

function cleanOption(raw: unknown): FormOption {
  const o = (raw ?? {}) as Partial<FormOption>;
  const option: FormOption = {
    value: typeof o.value === 'string' ? o.value.trim() : '',
    label: text(o.label) ?? '',
  };
  const labelEn = text(o.labelEn);
  const capacity = num(o.capacity);
  if (labelEn) option.labelEn = labelEn;
  if (capacity !== undefined) option.capacity = capacity;
  return option;
}

/**
 * The shared definition problems, and the tag options publishing would refuse, by the dot-joined path
 * of the builder input they concern.
 */
export function problemsByPath(definition: FormDefinition, prefix: Path): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const problem of [...definitionProblems(definition), ...tagMappingProblems(definition)]) {
    const key = pathKey([...prefix, ...problem.path]);
    out.set(key, [...(out.get(key) ?? []), problem.code]);
  }
  return out;
}

/** How many problems lie on a field (for the collapsed field's badge). */
export function problemCountUnder(problems: Map<string, string[]>, fieldPath: Path): number {
  const prefix = `${pathKey(fieldPath)}.`;
  let count = 0;
  for (const [key, codes] of problems) if (key.startsWith(prefix)) count += codes.length;
  return count;
}

export interface ConditionSource {
  key: string;
  label: string;
  type: FormFieldType;
  options: FormOption[];
}

/** Fields a show-if of the field at (section, index) may depend on: earlier choice or yes/no fields. */
export function conditionSources(
  definition: FormDefinition,
  section: number,
  index: number,
): ConditionSource[] {
  const earlier: FormField[] = [];
  definition.sections.forEach((s, si) => {
    s.fields.forEach((f, fi) => {
      if (si < section || (si === section && fi < index)) earlier.push(f);
    });
  });
  return earlier
    .filter((f) => CONDITION_TYPES.includes(f.type) && f.key)
    .map((f) => ({ key: f.key, label: f.label, type: f.type, options: f.options ?? [] }));
}

/** A key not used yet in the definition, readable enough for the inbox's columns. */
export function nextFieldKey(definition: FormDefinition, type: FormFieldType): string {
  const used = new Set(definition.sections.flatMap((s) => s.fields.map((f) => f.key)));
  for (let n = 1; ; n++) {
    const key = `${type}_${n}`;
    if (!used.has(key)) return key;
  }
}

export function newField(definition: FormDefinition, type: FormFieldType, label: string): FormField {
  return {
    key: nextFieldKey(definition, type),
    type,
    label,
    ...(isChoice(type) && { options: [] }),
  };
}

/**
 * What a field keeps when its type changes: options only for choice types, bounds only where they mean
 * something, a register mapping only if the new type can feed it.
 */
export function retypeField(field: FormField, type: FormFieldType): FormField {
  const next = cleanField({ ...field, type });
  if (isChoice(type) && !next.options?.length) next.options = [];
  if (next.maps && !compatibleTargets(type).includes(next.maps)) delete next.maps;
  return next;
}

/**
 * The options of a field feeding the resident's tags, in the order picked: each a tag a form may add,
 * its value the tag code and its labels the catalogue's, so the register and the resident read the same.
 */
export function tagOptions(codes: readonly string[]): FormOption[] {
  return [...new Set(codes)]
    .filter(isFormTagCode)
    .map((code) => ({ value: code, label: TAGS[code].zh, labelEn: TAGS[code].en }));
}

/**
 * A field given another register mapping (or none). Turned to feed the tags, it keeps only the options
 * that are tags a form may add, relabelled from the catalogue: free values could never be applied.
 */
export function remapField(field: FormField, maps: RegisterTarget | undefined): FormField {
  const { maps: _, ...rest } = field;
  const next: FormField = maps ? { ...rest, maps } : rest;
  if (maps === 'resident.tags') next.options = tagOptions((field.options ?? []).map((o) => o.value));
  return next;
}

/**
 * Where residents open the form: the deployment's public address when it names one, else the address
 * this console was opened at; a per-building link also carries the building.
 */
export function publicFormUrl(
  form: { publicUrl: string | null; publicPath: string },
  origin: string,
  buildingId?: string | null,
): string {
  const base = form.publicUrl ?? `${origin.replace(/\/$/, '')}${form.publicPath}`;
  return buildingId ? `${base}?b=${encodeURIComponent(buildingId)}` : base;
}

const PRIVATE_IPV4 = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\./,
  // Carrier-grade NAT: shared by a provider's customers, never reachable from outside.
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/**
 * Whether a phone out on the street (mobile data) most likely cannot reach this host: this machine, a
 * private network address, or a name only an office network resolves (no dot, .local, .lan, .internal).
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(host)) return PRIVATE_IPV4.some((re) => re.test(host));
  if (host.includes(':')) return host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  return !host.includes('.') || /\.(localhost|local|lan|internal|intranet|home\.arpa)$/.test(host);
}

/** Stable JSON for "has anything changed since it was loaded". */
export function sameContent(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
