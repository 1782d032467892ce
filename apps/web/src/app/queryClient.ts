import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { isPasswordChangeRequired, isUnauthenticated } from '../api/errors';

export type SessionProblem = 'unauthenticated' | 'password_change_required';

function shouldRetry(failureCount: number, error: unknown): boolean {
  // A 4xx will answer the same the second time; only network trouble and 5xx are worth retrying.
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(onSessionProblem: (problem: SessionProblem) => void): QueryClient {
  const handleError = (error: unknown) => {
    if (isUnauthenticated(error)) onSessionProblem('unauthenticated');
    else if (isPasswordChangeRequired(error)) onSessionProblem('password_change_required');
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: handleError }),
    mutationCache: new MutationCache({
      onError: handleError,
      // Every accepted write adds audit rows, so a cached audit page is stale after any of them.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ['audit'] }),
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
