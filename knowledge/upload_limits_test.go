package knowledge_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/knowledge"
)

func TestOverlongFilenamesAreRefused(t *testing.T) {
	e := setup(t)
	kb := e.base("Files")
	name := strings.Repeat("n", knowledge.MaxFilenameBytes+1) + ".txt"
	_, rejected, err := e.svc.UploadFiles(e.ctx, e.actor, kb.ID, []knowledge.Upload{{Filename: name, Data: []byte("hello")}})
	require.ErrorContains(t, err, "longer than 1024 bytes")
	require.Len(t, rejected, 1)
	require.LessOrEqual(t, len(rejected[0].Filename), 255)
}
