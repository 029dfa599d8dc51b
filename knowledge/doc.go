// Package knowledge holds Deskmate's knowledge bases: documents and their
// ingestion (read by knowledge/parser, fetched and crawled by knowledge/web),
// splitting them into chunks along their structure, embedding and storing the
// chunks, and hybrid retrieval (vector similarity fused with full text
// search). Work that takes time runs in River jobs (package jobs), which call
// the Service; SQL stays in package store.
package knowledge
