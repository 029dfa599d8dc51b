package workspace

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// checkNotExcluded refuses managed tags the workspace excludes (a ticket
// carrying an excluded tag is never touched, so managing it makes no sense).
// It locks the workspace row first, as excluded-tag changes do.
func checkNotExcluded(ctx context.Context, tx pgx.Tx, w store.Workspace) error {
	if err := store.LockWorkspace(ctx, tx, w.ID); err != nil {
		return err
	}
	ts, err := store.TagSettingsOf(ctx, tx, w.ID)
	if err != nil {
		return err
	}
	for _, m := range w.ManagedTags {
		for _, e := range ts.Excluded {
			if strings.EqualFold(m, e) {
				return validate.Field("managed_tags", fmt.Sprintf(
					"tag %q is excluded in this workspace: a tag cannot be both managed and excluded", m))
			}
		}
	}
	return nil
}
