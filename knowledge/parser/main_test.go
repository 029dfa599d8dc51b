package parser_test

import (
	"os"
	"testing"

	"github.com/deskmate/deskmate/internal/confine"
)

// TestMain lets the test binary serve as the PDF reader's child process.
func TestMain(m *testing.M) {
	confine.Main()
	os.Exit(m.Run())
}
