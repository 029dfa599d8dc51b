package intent

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// sharedData is the open evaluation data, beside the repository.
const sharedData = "../../shared/data"

// BenchmarkTrainCLINC10 trains on CLINC150's first 10 phrases per intent
// (150 intents × 10 phrases), cross-validated calibration included.
func BenchmarkTrainCLINC10(b *testing.B) {
	path := filepath.Join(sharedData, "intents", "clinc150", "train.jsonl")
	rows, err := ReadJSONLFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b.Fatalf("open data missing: %s (expected at ../shared/data from the repository root; see shared/data/README.md)", path)
	}
	if err != nil {
		b.Fatal(err)
	}
	ex := FirstK(rows, 10)
	if len(ex) != 1500 {
		b.Fatalf("%s: want 150 intents × 10 phrases, got %d phrases", path, len(ex))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Train(context.Background(), ex, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
