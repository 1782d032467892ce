import { type Form, type FormPublicState, type FormSummary, formPublicPath } from '@linli/shared';
import type { FormWithArea } from './forms.repository';
import type { FormVersionRow } from './forms.table';

export function presentFormSummary(
  row: FormWithArea,
  submissionCount: number,
  state: FormPublicState | null,
): FormSummary {
  const f = row.form;
  return {
    id: f.id,
    slug: f.slug,
    publicPath: formPublicPath(f.slug),
    mode: f.mode,
    status: f.status,
    state,
    title: f.title,
    areaId: f.areaId,
    areaName: row.areaName,
    communityId: f.communityId,
    template: (f.template as FormSummary['template']) ?? null,
    currentVersionNo: f.currentVersionNo,
    opensAt: f.opensAt?.toISOString() ?? null,
    closesAt: f.closesAt?.toISOString() ?? null,
    submissionCount,
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
  },
): Form {
  const f = row.form;
  return {
    ...presentFormSummary(row, extra.submissionCount, extra.state),
    description: f.description,
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
    canManage: extra.canManage,
    createdAt: f.createdAt.toISOString(),
    createdBy: f.createdBy,
  };
}
