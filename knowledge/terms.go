package knowledge

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/lang"
	"github.com/deskmate/deskmate/store"
)

// TermStats say how common each word stem is in a workspace's knowledge: in
// how many documents it appears. Rare words carry a question's topic; the
// agent weighs the words a document shares with a question by them.
type TermStats struct {
	Documents int
	df        map[string]int
}

// IDF is the inverse document frequency of a stem: high for rare stems,
// highest for stems no document has.
func (t *TermStats) IDF(stem string) float64 {
	if t == nil {
		return 1
	}
	return math.Log((float64(t.Documents) + 1) / (float64(t.df[stem]) + 0.5))
}

// termStatsMaxAge is how long stats may lag behind changed knowledge: while
// documents are being ingested they are rebuilt at most this often.
const termStatsMaxAge = 10 * time.Second

type cachedTerms struct {
	mu    sync.Mutex
	stamp store.ChunkStamp
	built time.Time
	stats *TermStats
}

// TermStats returns the workspace's term statistics, computed from its
// chunks and kept until they change.
func (s *Service) TermStats(ctx context.Context, actor account.Actor) (*TermStats, error) {
	if err := actor.Require(account.RoleViewer); err != nil {
		return nil, err
	}
	v, _ := s.terms.LoadOrStore(actor.WorkspaceID, &cachedTerms{})
	c := v.(*cachedTerms)
	c.mu.Lock()
	defer c.mu.Unlock()
	stamp, err := store.WorkspaceChunkStamp(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if c.stats != nil && (stamp == c.stamp || time.Since(c.built) < termStatsMaxAge) {
		return c.stats, nil
	}
	stats, err := s.buildTermStats(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	c.stats, c.stamp, c.built = stats, stamp, time.Now()
	return stats, nil
}

func (s *Service) buildTermStats(ctx context.Context, workspaceID int64) (*TermStats, error) {
	docs := map[int64]map[string]bool{}
	var after int64
	for {
		chunks, err := store.WorkspaceChunkTexts(ctx, s.db.Pool, workspaceID, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, c := range chunks {
			set := docs[c.DocumentID]
			if set == nil {
				set = map[string]bool{}
				docs[c.DocumentID] = set
			}
			for stem := range lang.StemSet(c.TitlePath + "\n" + c.Content) {
				set[stem] = true
			}
			after = c.ID
		}
		if len(chunks) < 1000 {
			break
		}
	}
	t := &TermStats{Documents: len(docs), df: map[string]int{}}
	for _, set := range docs {
		for stem := range set {
			t.df[stem]++
		}
	}
	return t, nil
}
