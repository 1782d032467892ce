import {
  DedupeCandidateList,
  type DedupeCandidatesQuery,
  DedupeComparison,
  MergeRecord,
  type MergeRequest,
  Ok,
} from '@linli/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, itemsOf } from '../api/client';

export type MergeBody = z.input<typeof MergeRequest>;
export type CandidateFilter = Partial<DedupeCandidatesQuery>;

export const dedupeKeys = {
  all: ['dedupe'] as const,
  candidates: (filter: CandidateFilter) => ['dedupe', 'candidates', filter] as const,
  compare: (a: string, b: string) => ['dedupe', 'compare', a, b] as const,
  merges: ['dedupe', 'merges'] as const,
  merge: (id: string) => ['dedupe', 'merge', id] as const,
};

export function useCandidates(filter: CandidateFilter) {
  return useQuery({
    queryKey: dedupeKeys.candidates(filter),
    queryFn: () => api.get('/api/dedupe/candidates', DedupeCandidateList, filter),
  });
}

export function useComparison(pair: { a: string; b: string } | null) {
  return useQuery({
    queryKey: dedupeKeys.compare(pair?.a ?? '', pair?.b ?? ''),
    queryFn: () => api.get('/api/dedupe/compare', DedupeComparison, pair ?? {}),
    enabled: pair !== null,
  });
}

export function useMerges() {
  return useQuery({
    queryKey: dedupeKeys.merges,
    queryFn: () => api.get('/api/dedupe/merges', itemsOf(MergeRecord)),
  });
}

export function useMerge(id: string | null) {
  return useQuery({
    queryKey: dedupeKeys.merge(id ?? ''),
    queryFn: () => api.get(`/api/dedupe/merges/${id}`, MergeRecord),
    enabled: id !== null,
  });
}

/** A merge or an undo changes residents everywhere: their pages, lists and timelines reload. */
function useRegisterChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: dedupeKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['residents'] });
    void queryClient.invalidateQueries({ queryKey: ['households'] });
  };
}

export function useDismissPair() {
  const onChanged = useRegisterChanged();
  return useMutation({
    mutationFn: (body: { aId: string; bId: string }) => api.post('/api/dedupe/dismissals', Ok, body),
    onSuccess: onChanged,
  });
}

export function useMergeResidents() {
  const onChanged = useRegisterChanged();
  return useMutation({
    mutationFn: (body: MergeBody) => api.post('/api/dedupe/merges', MergeRecord, body),
    onSuccess: onChanged,
  });
}

export function useUndoMerge() {
  const onChanged = useRegisterChanged();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      api.post(`/api/dedupe/merges/${id}/undo`, MergeRecord, { version }),
    onSuccess: onChanged,
  });
}
