package knowledge_test

import (
	"testing"

	"github.com/deskmate/deskmate/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
