// Package llm holds Deskmate's model providers behind small interfaces:
// Embedder (texts to vectors) and Chat (a conversation to an answer, with a
// JSON schema and streaming). The built-in provider embeds fully offline with
// no model files and has no chat model; Ollama and OpenAI-compatible
// providers speak their real HTTP APIs. Callers never branch on the provider.
package llm
