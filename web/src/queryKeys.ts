/** TanStack Query keys of the workspace's resources. Everything of one workspace starts with ['workspace', id]. */
export const workspaceKeys = {
  all: (id: string) => ['workspace', id] as const,
  detail: (id: string) => ['workspace', id, 'detail'] as const,
  gorgias: (id: string) => ['workspace', id, 'gorgias'] as const,
  model: (id: string) => ['workspace', id, 'model-settings'] as const,
  members: (id: string) => ['workspace', id, 'members'] as const,
  invitations: (id: string) => ['workspace', id, 'invitations'] as const,
  tokens: (id: string) => ['workspace', id, 'tokens'] as const,
  audit: (id: string) => ['workspace', id, 'audit'] as const,
};
