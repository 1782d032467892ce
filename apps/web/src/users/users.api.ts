import {
  type GrantInput,
  Ok,
  page,
  type ResetPasswordBody,
  User,
  type UserCreate,
  type UserUpdate,
} from '@linli/shared';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../api/client';
import { meQueryKey } from '../auth/auth.api';

export type UserCreateBody = z.input<typeof UserCreate>;
export type UserUpdateBody = z.input<typeof UserUpdate>;
export type GrantBody = z.input<typeof GrantInput>;
export type ResetPasswordBodyInput = z.input<typeof ResetPasswordBody>;

export interface UserListFilter {
  q?: string;
  areaId?: string;
}

const UserPage = page(User);
const PAGE_SIZE = 50;

export const userKeys = {
  all: ['users'] as const,
  list: (filter: UserListFilter) => ['users', 'list', filter] as const,
  search: (filter: UserListFilter) => ['users', 'search', filter] as const,
  detail: (userId: string) => ['users', 'detail', userId] as const,
};

export function useUserList(filter: UserListFilter) {
  return useInfiniteQuery({
    queryKey: userKeys.list(filter),
    queryFn: ({ pageParam }) =>
      api.get('/api/users', UserPage, { ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** A short list for pickers; typing narrows it on the server (name, username or phone). */
export function useUserSearch(filter: UserListFilter) {
  return useQuery({
    queryKey: userKeys.search(filter),
    queryFn: () => api.get('/api/users', UserPage, { ...filter, limit: 20 }),
    placeholderData: keepPreviousData,
  });
}

export function useUser(userId: string) {
  return useQuery({
    queryKey: userKeys.detail(userId),
    queryFn: () => api.get(`/api/users/${userId}`, User),
  });
}

function useUserChanged() {
  const queryClient = useQueryClient();
  return (user: User) => {
    queryClient.setQueryData(userKeys.detail(user.id), user);
    void queryClient.invalidateQueries({ queryKey: ['users', 'list'] });
    void queryClient.invalidateQueries({ queryKey: ['users', 'search'] });
  };
}

export function useCreateUser() {
  const onChanged = useUserChanged();
  return useMutation({
    mutationFn: (body: UserCreateBody) => api.post('/api/users', User, body),
    onSuccess: onChanged,
  });
}

export function useUpdateUser() {
  const onChanged = useUserChanged();
  return useMutation({
    mutationFn: ({ id, ...body }: UserUpdateBody & { id: string }) =>
      api.patch(`/api/users/${id}`, User, body),
    onSuccess: onChanged,
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, ...body }: ResetPasswordBodyInput & { id: string }) =>
      api.post(`/api/users/${id}/reset-password`, Ok, body),
  });
}

export function useGrantRole() {
  const onChanged = useUserChanged();
  return useMutation({
    mutationFn: ({ userId, ...body }: GrantBody & { userId: string }) =>
      api.post(`/api/users/${userId}/grants`, User, body),
    onSuccess: onChanged,
  });
}

export function useRevokeGrant() {
  const onChanged = useUserChanged();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, grantId }: { userId: string; grantId: string }) =>
      api.post(`/api/users/${userId}/grants/${grantId}/revoke`, User),
    onSuccess: (user) => {
      onChanged(user);
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });
}
