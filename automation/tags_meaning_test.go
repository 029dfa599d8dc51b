package automation

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/store"
)

// Every system tag says when Deskmate applies it; the admin app shows it.
func TestEverySystemTagHasAMeaning(t *testing.T) {
	tags := systemTags(store.TagSettings{System: map[string]string{"handled_by": "bot-replied"}})
	require.Len(t, tags, len(SystemTagKeys))
	require.Equal(t, SystemTag{Key: "handled_by", Name: "bot-replied", Default: "ai-handled", Meaning: "Deskmate replied on this ticket."}, tags[5])
	seen := map[string]bool{}
	for _, tag := range tags {
		require.NotEmpty(t, tag.Meaning, tag.Key)
		require.False(t, seen[tag.Meaning], "%s repeats another tag's meaning", tag.Key)
		seen[tag.Meaning] = true
	}
	require.Len(t, systemTagMeanings, len(SystemTagKeys), "a meaning for a tag that does not exist")
}
