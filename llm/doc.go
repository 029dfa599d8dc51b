// Package llm holds Deskmate's model providers behind small interfaces:
// Embedder (texts to vectors) and, later, chat. The built-in provider works
// fully offline with no model files; Ollama and OpenAI-compatible providers
// speak their real HTTP APIs. Callers never branch on the provider.
package llm
