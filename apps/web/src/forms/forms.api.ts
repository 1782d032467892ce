import {
  ChainEntries,
  type FormCreate,
  Form as FormDto,
  FormPage,
  type FormStatus,
  FormTemplate,
  type FormUpdate,
} from '@linli/shared';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, itemsOf } from '../api/client';

export type {
  ChainEntry,
  FormMode,
  FormStatus,
  FormSummary,
  FormTemplateKey,
  SubmissionLimit,
} from '@linli/shared';
export type FormDetail = z.infer<typeof FormDto>;
export type FormCreateBody = z.input<typeof FormCreate>;
export type FormUpdateBody = FormUpdate;

export const formKeys = {
  all: ['forms'] as const,
  list: (status: string) => ['forms', 'list', status] as const,
  detail: (id: string) => ['forms', 'detail', id] as const,
  chain: (id: string) => ['forms', 'chain', id] as const,
  templates: ['forms', 'templates'] as const,
};

export function useForms(status: FormStatus | 'all') {
  return useInfiniteQuery({
    queryKey: formKeys.list(status),
    queryFn: ({ pageParam }) =>
      api.get('/api/forms', FormPage, {
        status: status === 'all' ? undefined : status,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useForm(id: string) {
  return useQuery({ queryKey: formKeys.detail(id), queryFn: () => api.get(`/api/forms/${id}`, FormDto) });
}

export function useFormTemplates() {
  return useQuery({
    queryKey: formKeys.templates,
    queryFn: () => api.get('/api/forms/templates', itemsOf(FormTemplate)),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useFormChain(id: string, enabled: boolean) {
  return useQuery({
    queryKey: formKeys.chain(id),
    queryFn: () => api.get(`/api/forms/${id}/chain`, ChainEntries),
    enabled,
  });
}

export function useCreateForm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: FormCreateBody) => api.post('/api/forms', FormDto, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: formKeys.all }),
  });
}

function useSetDetail(id: string) {
  const queryClient = useQueryClient();
  return (form: FormDetail) => {
    queryClient.setQueryData(formKeys.detail(id), form);
    void queryClient.invalidateQueries({ queryKey: ['forms', 'list'] });
  };
}

export function useUpdateForm(id: string) {
  const setDetail = useSetDetail(id);
  return useMutation({
    mutationFn: (body: FormUpdateBody) => api.patch(`/api/forms/${id}`, FormDto, body),
    onSuccess: setDetail,
  });
}

export type FormAction = 'publish' | 'close' | 'reopen' | 'archive';

export function useFormAction(id: string) {
  const setDetail = useSetDetail(id);
  return useMutation({
    mutationFn: ({ action, version }: { action: FormAction; version: number }) =>
      api.post(`/api/forms/${id}/${action}`, FormDto, { version }),
    onSuccess: setDetail,
  });
}
