import {
  Delegation,
  type DelegationCreate,
  type DelegationRevoke,
  type DelegationStatus,
} from '@linli/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, itemsOf } from '../api/client';
import { meQueryKey } from '../auth/auth.api';

export type DelegationCreateBody = z.input<typeof DelegationCreate>;
export type DelegationRevokeBody = z.input<typeof DelegationRevoke>;
export type DelegationStatusValue = z.infer<typeof DelegationStatus>;

export interface DelegationFilter {
  userId?: string;
  status?: DelegationStatusValue;
}

export const delegationKeys = {
  all: ['delegations'] as const,
  list: (filter: DelegationFilter) => ['delegations', filter] as const,
};

export function useDelegations(filter: DelegationFilter) {
  return useQuery({
    queryKey: delegationKeys.list(filter),
    queryFn: () => api.get('/api/delegations', itemsOf(Delegation), { ...filter }),
  });
}

/** A delegation changes the grantee's roles (and the grantor's view of them), so users and `me` refresh too. */
function useDelegationChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: delegationKeys.all });
    void queryClient.invalidateQueries({ queryKey: ['users'] });
    void queryClient.invalidateQueries({ queryKey: meQueryKey });
  };
}

export function useCreateDelegation() {
  const onChanged = useDelegationChanged();
  return useMutation({
    mutationFn: (body: DelegationCreateBody) => api.post('/api/delegations', Delegation, body),
    onSuccess: onChanged,
  });
}

export function useRevokeDelegation() {
  const onChanged = useDelegationChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: DelegationRevokeBody & { id: string }) =>
      api.post(`/api/delegations/${id}/revoke`, Delegation, body),
    onSuccess: onChanged,
  });
}
