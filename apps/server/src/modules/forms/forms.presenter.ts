import {
  type ChainChoice,
  type ChainEntry,
  type ChainField,
  type Form,
  type FormDefinition,
  type FormField,
  type FormPublicState,
  type FormSummary,
  fieldsOf,
  formPublicPath,
} from '@linli/shared';
import type { FormWithArea } from './forms.repository';
import type { FormSubmissionRow, FormVersionRow } from './forms.table';

export function presentFormSummary(
  row: FormWithArea,
  extra: { submissionCount: number; state: FormPublicState | null; canManage: boolean },
): FormSummary {
  const f = row.form;
  return {
    id: f.id,
    slug: f.slug,
    publicPath: formPublicPath(f.slug),
    mode: f.mode,
    status: f.status,
    state: extra.state,
    title: f.title,
    titleEn: f.titleEn,
    areaId: f.areaId,
    areaName: row.areaName,
    communityId: f.communityId,
    template: (f.template as FormSummary['template']) ?? null,
    currentVersionNo: f.currentVersionNo,
    opensAt: f.opensAt?.toISOString() ?? null,
    closesAt: f.closesAt?.toISOString() ?? null,
    submissionCount: extra.submissionCount,
    canManage: extra.canManage,
    updatedAt: f.updatedAt.toISOString(),
    version: f.version,
  };
}

export function presentForm(
  row: FormWithArea,
  extra: {
    submissionCount: number;
    state: FormPublicState | null;
    versions: { version: FormVersionRow; publishedByName: string | null; submissionCount: number }[];
    draftChanged: boolean;
    canManage: boolean;
    /** `LINLI_PUBLIC_URL`, if set. */
    publicBaseUrl: string | null;
  },
): Form {
  const f = row.form;
  return {
    ...presentFormSummary(row, extra),
    publicUrl: extra.publicBaseUrl && `${extra.publicBaseUrl}${formPublicPath(f.slug)}`,
    description: f.description,
    descriptionEn: f.descriptionEn,
    draft: f.draft,
    privacy: f.privacy,
    submissionLimit: f.submissionLimit,
    publishedAt: f.publishedAt?.toISOString() ?? null,
    draftChanged: extra.draftChanged,
    versions: extra.versions.map((v) => ({
      versionNo: v.version.versionNo,
      title: v.version.title,
      publishedAt: v.version.publishedAt.toISOString(),
      publishedBy: v.publishedByName,
      submissionCount: v.submissionCount,
    })),
    createdAt: f.createdAt.toISOString(),
    createdBy: f.createdBy,
  };
}

const choiceFieldsOf = (definition: FormDefinition) => fieldsOf(definition).filter((f) => f.options?.length);

/**
 * One chain entry, its choices worded as the version it was given on worded them: an option renamed or
 * removed later still reads as the resident chose it. A value that version did not offer is shown as is.
 */
export function presentChainEntry(
  row: FormSubmissionRow,
  extra: { no: number; reference: string; name: string | null; definition: FormDefinition },
): ChainEntry {
  const fields = new Map(choiceFieldsOf(extra.definition).map((f) => [f.key, f]));
  const choices: Record<string, ChainChoice[]> = {};
  for (const [key, values] of Object.entries(row.summary.choices ?? {})) {
    const options = fields.get(key)?.options ?? [];
    choices[key] = values.map((value) => {
      const option = options.find((o) => o.value === value);
      return { value, label: option?.label ?? value, labelEn: option?.labelEn || null };
    });
  }
  return {
    no: extra.no,
    submissionId: row.id,
    reference: extra.reference,
    name: extra.name,
    phone: row.phoneMask,
    place: row.summary.place ?? null,
    choices,
    versionNo: row.versionNo,
    submittedAt: row.submittedAt.toISOString(),
  };
}

/**
 * The chain's choice questions, newest version first: the columns of the organiser's list. A question
 * dropped in a later version keeps its column while entries answered it.
 */
export function presentChainFields(definitionsNewestFirst: FormDefinition[]): ChainField[] {
  const out = new Map<string, ChainField>();
  for (const definition of definitionsNewestFirst)
    for (const field of choiceFieldsOf(definition))
      if (!out.has(field.key)) out.set(field.key, chainField(field));
  return [...out.values()];
}

function chainField(field: FormField): ChainField {
  return {
    key: field.key,
    label: field.label,
    labelEn: field.labelEn || null,
    options: (field.options ?? []).map((o) => ({
      value: o.value,
      label: o.label,
      labelEn: o.labelEn || null,
      capacity: o.capacity ?? null,
    })),
  };
}
