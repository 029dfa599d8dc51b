package llm

import "context"

// Embedder turns texts into vectors of a fixed size.
type Embedder interface {
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the model and its version, e.g. "builtin-hash-v1"; vectors
	// from different models are never compared.
	Model() string
	// Dimensions is the length of every vector.
	Dimensions() int
}
