/** Query cache helpers shared by the resource modules, which each own their query keys. */
import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Marks the queries under each key stale, refetching those on screen. Resolves when they are
 * fetched again; callers that do not wait for that discard the promise with `void`.
 */
export async function invalidate(queryClient: QueryClient, ...keys: readonly QueryKey[]): Promise<void> {
  await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}
