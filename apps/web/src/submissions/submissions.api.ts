import {
  FormPage,
  SubmissionApplied,
  type SubmissionApply,
  type SubmissionBulkMark,
  SubmissionBulkResult,
  SubmissionCandidates,
  SubmissionDetail,
  SubmissionDiff,
  type SubmissionExport,
  SubmissionListItem,
  type SubmissionListQuery,
  type SubmissionMark,
  SubmissionPage,
  SubmissionRevealed,
} from '@linli/shared';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../api/client';
import { postForDownload } from '../api/download';
import { residentKeys } from '../residents/residents.api';

export type SubmissionFilter = Partial<Omit<SubmissionListQuery, 'cursor' | 'limit'>>;
export type SubmissionItem = z.infer<typeof SubmissionListItem>;
export type SubmissionDetailItem = z.infer<typeof SubmissionDetail>;
export type SubmissionDiffItem = z.infer<typeof SubmissionDiff>;
export type SubmissionApplyBody = z.input<typeof SubmissionApply>;
export type SubmissionMarkBody = z.input<typeof SubmissionMark>;
export type SubmissionBulkBody = z.input<typeof SubmissionBulkMark>;
export type SubmissionExportBody = z.input<typeof SubmissionExport>;

const PAGE_SIZE = 50;

export const submissionKeys = {
  all: ['submissions'] as const,
  list: (filter: SubmissionFilter) => ['submissions', 'list', filter] as const,
  detail: (id: string) => ['submissions', 'detail', id] as const,
  candidates: (id: string) => ['submissions', 'candidates', id] as const,
  // Proposed values are rendered by the server in the caller's language.
  diff: (id: string, residentId: string | null, locale: string) =>
    ['submissions', 'diff', id, residentId, locale] as const,
  forms: ['submissions', 'forms'] as const,
};

export function useSubmissions(filter: SubmissionFilter) {
  return useInfiniteQuery({
    queryKey: submissionKeys.list(filter),
    queryFn: ({ pageParam }) =>
      api.get('/api/submissions', SubmissionPage, { ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** The forms the inbox can be filtered by (the forms module's own list). */
export function useInboxForms() {
  return useQuery({
    queryKey: submissionKeys.forms,
    queryFn: () => api.get('/api/forms', FormPage, { limit: 200 }),
  });
}

export function useSubmission(id: string) {
  return useQuery({
    queryKey: submissionKeys.detail(id),
    queryFn: () => api.get(`/api/submissions/${id}`, SubmissionDetail),
  });
}

export function useCandidates(id: string, enabled: boolean) {
  return useQuery({
    queryKey: submissionKeys.candidates(id),
    queryFn: () => api.get(`/api/submissions/${id}/candidates`, SubmissionCandidates),
    enabled,
  });
}

export function useSubmissionDiff(id: string, residentId: string | null, enabled: boolean) {
  const { i18n: instance } = useTranslation();
  return useQuery({
    queryKey: submissionKeys.diff(id, residentId, instance.language),
    queryFn: () =>
      api.get(`/api/submissions/${id}/diff`, SubmissionDiff, residentId ? { residentId } : undefined),
    enabled,
  });
}

export function useRevealSubmission(id: string) {
  return useMutation({
    mutationFn: (reason: string) => api.post(`/api/submissions/${id}/reveal`, SubmissionRevealed, { reason }),
  });
}

export function useMarkSubmission(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SubmissionMarkBody) =>
      api.post(`/api/submissions/${id}/status`, SubmissionListItem, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: submissionKeys.all }),
  });
}

export function useBulkMark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SubmissionBulkBody) =>
      api.post('/api/submissions/bulk-status', SubmissionBulkResult, body),
    onSettled: () => queryClient.invalidateQueries({ queryKey: submissionKeys.all }),
  });
}

export function useApplySubmission(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SubmissionApplyBody) =>
      api.post(`/api/submissions/${id}/apply`, SubmissionApplied, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: submissionKeys.all });
      void queryClient.invalidateQueries({ queryKey: residentKeys.all });
    },
  });
}

/** The export is a POST (purpose and reason stay out of URLs); the file is handed to the browser. */
export function downloadSubmissions(body: SubmissionExportBody, csrfToken: string): Promise<string> {
  return postForDownload('/api/submissions/export', body, csrfToken, 'submissions.xlsx');
}
