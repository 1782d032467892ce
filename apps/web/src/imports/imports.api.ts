import {
  ImportJob,
  type ImportMappingUpdate,
  type ImportPlacesUpdate,
  ImportPreview,
  ImportReportRow,
  ImportTemplate,
  type ImportTemplateCreate,
} from '@linli/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { ApiError, api, itemsOf, withQuery } from '../api/client';
import { saveBlob } from '../api/download';
import { currentLocale, i18n } from '../i18n/i18n';

export type ImportMappingBody = z.input<typeof ImportMappingUpdate>;
export type ImportTemplateBody = z.input<typeof ImportTemplateCreate>;
export type ImportPlacesBody = z.input<typeof ImportPlacesUpdate>;

export const importKeys = {
  all: ['imports'] as const,
  list: (communityId: string) => ['imports', 'list', communityId] as const,
  job: (id: string) => ['imports', 'job', id] as const,
  preview: (id: string, q: PreviewParams) => ['imports', 'preview', id, q] as const,
  report: (id: string) => ['imports', 'report', id] as const,
  templates: (communityId: string) => ['import-templates', communityId] as const,
};

export interface PreviewParams {
  onlyProblems: boolean;
  offset: number;
  limit: number;
}

const isRunning = (job: ImportJob | undefined) => job?.status === 'queued' || job?.status === 'running';

export function useImports(communityId: string | null) {
  return useQuery({
    queryKey: importKeys.list(communityId ?? ''),
    queryFn: () => api.get('/api/imports', itemsOf(ImportJob), { communityId: communityId! }),
    enabled: !!communityId,
  });
}

/** Polls once a second while the commit runs in the background. */
export function useImportJob(id: string | null) {
  return useQuery({
    queryKey: importKeys.job(id ?? ''),
    queryFn: () => api.get(`/api/imports/${id}`, ImportJob),
    enabled: !!id,
    refetchInterval: (query) => (isRunning(query.state.data) ? 1000 : false),
  });
}

export function useImportPreview(id: string | null, params: PreviewParams, enabled: boolean) {
  return useQuery({
    queryKey: importKeys.preview(id ?? '', params),
    queryFn: () =>
      api.get(`/api/imports/${id}/preview`, ImportPreview, {
        onlyProblems: params.onlyProblems,
        offset: params.offset,
        limit: params.limit,
      }),
    enabled: !!id && enabled,
    placeholderData: keepPreviousData,
  });
}

export function useImportReport(id: string | null, enabled: boolean) {
  return useQuery({
    queryKey: importKeys.report(id ?? ''),
    queryFn: () => api.get(`/api/imports/${id}/report`, itemsOf(ImportReportRow)),
    enabled: !!id && enabled,
  });
}

export function useImportTemplates(communityId: string | null) {
  return useQuery({
    queryKey: importKeys.templates(communityId ?? ''),
    queryFn: () => api.get('/api/import-templates', itemsOf(ImportTemplate), { communityId: communityId! }),
    enabled: !!communityId,
  });
}

export function useUpdateMapping(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ImportMappingBody) => api.patch(`/api/imports/${id}`, ImportJob, body),
    onSuccess: (job) => {
      queryClient.setQueryData(importKeys.job(id), job);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'preview', id] });
    },
  });
}

/** Saves the create-or-skip choice per unknown building or dwelling, then previews again. */
export function useUpdatePlaces(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ImportPlacesBody) => api.patch(`/api/imports/${id}/places`, ImportJob, body),
    onSuccess: (job) => {
      queryClient.setQueryData(importKeys.job(id), job);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'preview', id] });
    },
  });
}

export function useCommitImport(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api.post(`/api/imports/${id}/commit`, ImportJob, { version }),
    onSuccess: (job) => queryClient.setQueryData(importKeys.job(id), job),
  });
}

export function useCreateTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ImportTemplateBody) => api.post('/api/import-templates', ImportTemplate, body),
    onSuccess: (tpl) =>
      void queryClient.invalidateQueries({ queryKey: importKeys.templates(tpl.communityId) }),
  });
}

async function failure(response: Response): Promise<ApiError> {
  const payload = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: unknown };
    requestId?: string;
  } | null;
  const error = payload?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'internal.error',
    error?.message ?? i18n.t('errors.unexpected'),
    error?.details,
    payload?.requestId ?? null,
  );
}

/** The file goes as the raw request body, typed by its extension (a browser may leave File.type empty). */
export async function uploadLedger(communityId: string, file: File, csrfToken: string): Promise<ImportJob> {
  const type = /\.csv$/i.test(file.name)
    ? 'text/csv'
    : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  let response: Response;
  try {
    response = await fetch(withQuery('/api/imports', { communityId, fileName: file.name }), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': type, 'Accept-Language': currentLocale(), 'X-CSRF-Token': csrfToken },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (!response.ok) throw await failure(response);
  return ImportJob.parse(await response.json());
}

export async function downloadReport(job: ImportJob): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/imports/${job.id}/report.xlsx`, {
      credentials: 'same-origin',
      headers: { 'Accept-Language': currentLocale() },
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (!response.ok) throw await failure(response);
  saveBlob(await response.blob(), `${job.fileName.replace(/\.(xlsx|csv)$/i, '')}-report.xlsx`);
}
