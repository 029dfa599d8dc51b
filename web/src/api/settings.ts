/** The workspace's language model settings, secrets masked (the Gorgias connection is in gorgias.ts). */
import { apiRequest } from './client';
import { bool, numOr, oneOf, record, strOrEmpty } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of a workspace's settings. */
export const settingsKeys = {
  model: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'model-settings'] as const,
};

/** Language model providers. */
export const PROVIDERS = ['builtin', 'ollama', 'openai'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Which language model the workspace uses. The API key itself is never sent back. */
export interface ModelSettings {
  provider: Provider;
  base_url: string;
  chat_model: string;
  embedding_model: string;
  api_key_set: boolean;
  api_key_hint: string;
}

/** Changes to the model settings; `api_key` left out keeps the saved key. */
export interface ModelSettingsInput {
  provider: Provider;
  base_url: string;
  chat_model: string;
  embedding_model: string;
  api_key?: string;
}

/** Validates the model settings body. */
export function parseModelSettings(body: unknown): ModelSettings {
  const obj = record(body, 'the model settings');
  return {
    provider: oneOf(obj, 'provider', PROVIDERS, 'model settings'),
    base_url: strOrEmpty(obj, 'base_url', 'model settings'),
    chat_model: strOrEmpty(obj, 'chat_model', 'model settings'),
    embedding_model: strOrEmpty(obj, 'embedding_model', 'model settings'),
    api_key_set: bool(obj, 'api_key_set', 'model settings'),
    api_key_hint: strOrEmpty(obj, 'api_key_hint', 'model settings'),
  };
}

export function fetchModelSettings(workspaceId: string, signal?: AbortSignal): Promise<ModelSettings> {
  return apiRequest(workspacePath(workspaceId, '/model-settings'), parseModelSettings, signal ? { signal } : {});
}

export function saveModelSettings(workspaceId: string, input: ModelSettingsInput): Promise<ModelSettings> {
  return apiRequest(workspacePath(workspaceId, '/model-settings'), parseModelSettings, { method: 'PUT', json: input });
}

/** The outcome of trying the saved embedding settings with one short text. */
export interface EmbeddingCheck {
  ok: boolean;
  embedding_model: string;
  dimensions: number;
  took_ms: number;
  /** What failed, when `ok` is false. */
  error: string;
}

export function parseEmbeddingCheck(body: unknown): EmbeddingCheck {
  const obj = record(body, 'check');
  return {
    ok: bool(obj, 'ok', 'check'),
    embedding_model: strOrEmpty(obj, 'embedding_model', 'check'),
    dimensions: numOr(obj, 'dimensions', 'check', 0),
    took_ms: numOr(obj, 'took_ms', 'check', 0),
    error: strOrEmpty(obj, 'error', 'check'),
  };
}

/** Tries the saved embedding settings: is the provider reachable, does the model exist? */
export function checkEmbeddingSettings(workspaceId: string): Promise<EmbeddingCheck> {
  return apiRequest(workspacePath(workspaceId, '/model-settings/check'), parseEmbeddingCheck, { method: 'POST' });
}

/** The outcome of sending the saved chat model a tiny request. */
export interface ChatCheck {
  ok: boolean;
  chat_model: string;
  took_ms: number;
  /** What failed, when `ok` is false. */
  error: string;
}

export function parseChatCheck(body: unknown): ChatCheck {
  const obj = record(body, 'check');
  return {
    ok: bool(obj, 'ok', 'check'),
    chat_model: strOrEmpty(obj, 'chat_model', 'check'),
    took_ms: numOr(obj, 'took_ms', 'check', 0),
    error: strOrEmpty(obj, 'error', 'check'),
  };
}

/** Tries the saved chat model (admins): is the provider reachable, does the model answer? */
export function checkChatSettings(workspaceId: string): Promise<ChatCheck> {
  return apiRequest(workspacePath(workspaceId, '/model-settings/check-chat'), parseChatCheck, { method: 'POST' });
}
