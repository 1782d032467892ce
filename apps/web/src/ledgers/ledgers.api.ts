import {
  Ledger,
  type LedgerCreate,
  type LedgerExport,
  LedgerLink,
  LedgerLinkCreated,
  LedgerRows,
  type LedgerUpdate,
  PublicLedger,
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
import { api, itemsOf } from '../api/client';
import { postForDownload } from '../api/download';

export type LedgerCreateBody = z.input<typeof LedgerCreate>;
export type LedgerUpdateBody = z.input<typeof LedgerUpdate>;
export type LedgerExportBody = z.input<typeof LedgerExport>;
export type LedgerLinkItem = z.infer<typeof LedgerLink>;
export type LedgerLinkCreatedItem = z.infer<typeof LedgerLinkCreated>;

const PAGE_SIZE = 50;

export const ledgerKeys = {
  all: ['ledgers'] as const,
  list: (status: string) => ['ledgers', 'list', status] as const,
  detail: (id: string) => ['ledgers', 'detail', id] as const,
  // Cells are rendered by the server in the caller's language: another language is another answer.
  rows: (id: string, locale: string) => ['ledgers', 'rows', id, locale] as const,
  links: (id: string) => ['ledgers', 'links', id] as const,
  shared: (token: string, locale: string) => ['shared-ledger', token, locale] as const,
};

export function useLedgers(status: 'active' | 'archived') {
  return useQuery({
    queryKey: ledgerKeys.list(status),
    queryFn: () => api.get('/api/ledgers', itemsOf(Ledger), { status }),
  });
}

export function useLedger(id: string) {
  return useQuery({ queryKey: ledgerKeys.detail(id), queryFn: () => api.get(`/api/ledgers/${id}`, Ledger) });
}

export function useLedgerRows(id: string) {
  const { i18n: instance } = useTranslation();
  return useInfiniteQuery({
    queryKey: ledgerKeys.rows(id, instance.language),
    queryFn: ({ pageParam }) =>
      api.get(`/api/ledgers/${id}/rows`, LedgerRows, { cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useCreateLedger() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LedgerCreateBody) => api.post('/api/ledgers', Ledger, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ledgerKeys.all }),
  });
}

export function useUpdateLedger(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LedgerUpdateBody) => api.patch(`/api/ledgers/${id}`, Ledger, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ledgerKeys.all }),
  });
}

export function useArchiveLedger(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api.post(`/api/ledgers/${id}/archive`, Ledger, { version }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ledgerKeys.all }),
  });
}

export function useLedgerLinks(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ledgerKeys.links(id),
    queryFn: () => api.get(`/api/ledgers/${id}/links`, itemsOf(LedgerLink)),
    enabled,
  });
}

export function useCreateLink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { expiresAt: string; note?: string }) =>
      api.post(`/api/ledgers/${id}/links`, LedgerLinkCreated, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ledgerKeys.links(id) }),
  });
}

export function useRevokeLink(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (linkId: string) => api.post(`/api/ledgers/${id}/links/${linkId}/revoke`, LedgerLink),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ledgerKeys.links(id) }),
  });
}

export function useSharedLedger(token: string) {
  const { i18n: instance } = useTranslation();
  return useInfiniteQuery({
    queryKey: ledgerKeys.shared(token, instance.language),
    queryFn: ({ pageParam }) =>
      api.get(`/api/public/ledgers/${encodeURIComponent(token)}`, PublicLedger, {
        cursor: pageParam,
        limit: PAGE_SIZE,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: false,
  });
}

/**
 * Export is a POST (purpose and reason stay out of URLs), so the file comes back through fetch
 * and is handed to the browser as a download.
 */
export function downloadExport(id: string, body: LedgerExportBody, csrfToken: string): Promise<string> {
  return postForDownload(`/api/ledgers/${id}/export`, body, csrfToken, `ledger.${body.format}`);
}
