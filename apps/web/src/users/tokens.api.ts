import { ApiToken, type ApiTokenCreate, ApiTokenCreated } from '@linli/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, itemsOf } from '../api/client';

export type ApiTokenCreateBody = z.input<typeof ApiTokenCreate>;
export type ApiTokenWithSecret = z.infer<typeof ApiTokenCreated>;

export const tokenKeys = { all: ['api-tokens'] as const };

export function useApiTokens() {
  return useQuery({ queryKey: tokenKeys.all, queryFn: () => api.get('/api/api-tokens', itemsOf(ApiToken)) });
}

export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiTokenCreateBody) => api.post('/api/api-tokens', ApiTokenCreated, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/api/api-tokens/${id}/revoke`, ApiToken),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
