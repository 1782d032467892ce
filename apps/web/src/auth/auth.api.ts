import { type ChangePasswordBody, type LoginBody, Me, Ok } from '@linli/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import { api, setCsrfToken } from '../api/client';

export const meQueryKey = ['me'] as const;

async function fetchMe(): Promise<Me> {
  const me = await api.get('/api/me', Me);
  setCsrfToken(me.csrfToken);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 60_000 });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof LoginBody>) => {
      // Sign-in needs no CSRF token, and one left from an ended session must not be sent along.
      setCsrfToken(null);
      return api.post('/api/auth/login', Me, body);
    },
    onSuccess: (me) => {
      // Whatever a previous session left in the cache belongs to someone else.
      queryClient.clear();
      setCsrfToken(me.csrfToken);
      queryClient.setQueryData(meQueryKey, me);
    },
  });
}

/** Signs out even when the request fails: the person asked to leave, so the console forgets them. */
export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: () => api.post('/api/auth/logout', Ok),
    onSettled: async () => {
      setCsrfToken(null);
      // Leave the signed-in pages first, or clearing the cache would make them refetch without a session.
      await navigate('/login', { replace: true });
      queryClient.clear();
    },
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof ChangePasswordBody>) => api.post('/api/me/password', Ok, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
