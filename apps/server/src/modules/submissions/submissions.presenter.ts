import type { SubmissionListItem } from '@linli/shared';
import type { SubmissionWithForm } from './submissions.repository';

/** Masks and hashes stay behind: the list carries the stored masks and the summary, nothing decrypted. */
export function presentSubmission(row: SubmissionWithForm, nameAtAddress: boolean): SubmissionListItem {
  const s = row.submission;
  return {
    id: s.id,
    formId: s.formId,
    formTitle: row.formTitle,
    versionNo: s.versionNo,
    reference: s.reference,
    submittedAt: s.submittedAt.toISOString(),
    status: s.status,
    maskedName: s.summary?.maskedName ?? null,
    phoneMasked: s.phoneMask,
    idNumberMasked: s.idMask,
    place: s.summary?.place ?? null,
    matched: Boolean(row.matched),
    nameAtAddress,
    rejectReason: s.rejectReason,
    appliedResidentId: s.appliedResidentId,
    version: s.version,
  };
}
