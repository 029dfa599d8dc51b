package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/knowledge"
)

type searchResultJSON struct {
	ChunkID         int64   `json:"chunk_id"`
	DocumentID      int64   `json:"document_id"`
	KnowledgeBaseID int64   `json:"knowledge_base_id"`
	Title           string  `json:"title"`
	TitlePath       string  `json:"title_path"`
	URL             string  `json:"url"`
	Text            string  `json:"text"`
	Score           float64 `json:"score"`
	VectorScore     float64 `json:"vector_score"`
	TextScore       float64 `json:"text_score"`
	VectorRank      int     `json:"vector_rank"`
	TextRank        int     `json:"text_rank"`
}

// searchKnowledge is a read: viewers may search.
func (s *Server) searchKnowledge(c *fiber.Ctx) error {
	kn := s.deps.Knowledge
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Query            string  `json:"query"`
		KnowledgeBaseIDs []int64 `json:"knowledge_base_ids"`
		Limit            int     `json:"limit"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := kn.Search(c.UserContext(), actor, req.Query, knowledge.SearchOptions{KnowledgeBaseIDs: req.KnowledgeBaseIDs, Limit: req.Limit})
	if err != nil {
		return err
	}
	out := make([]searchResultJSON, len(r.Results))
	for i, x := range r.Results {
		out[i] = searchResultJSON{ChunkID: x.ChunkID, DocumentID: x.DocumentID, KnowledgeBaseID: x.KnowledgeBaseID, Title: x.Title,
			TitlePath: x.TitlePath, URL: x.URL, Text: x.Text, Score: x.Score, VectorScore: x.VectorScore, TextScore: x.TextScore,
			VectorRank: x.VectorRank, TextRank: x.TextRank}
	}
	return c.JSON(fiber.Map{"results": out, "took_ms": float64(r.Took.Microseconds()) / 1000, "model": r.Model})
}
