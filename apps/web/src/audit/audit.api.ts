import { AuditEntry, page } from '@linli/shared';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/client';

export interface AuditFilter {
  actorId?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  /** ISO date-times with offset. */
  from?: string;
  to?: string;
}

const AuditPage = page(AuditEntry);
const PAGE_SIZE = 50;

export const auditKeys = {
  all: ['audit'] as const,
  list: (filter: AuditFilter) => ['audit', filter] as const,
};

export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filter),
    queryFn: ({ pageParam }) =>
      api.get('/api/audit', AuditPage, { ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
