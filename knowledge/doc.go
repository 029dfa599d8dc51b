// Package knowledge holds Deskmate's knowledge bases: reading documents
// (text, Markdown, HTML, PDF, CSV FAQs, .docx, web pages, sitemaps and site
// crawls), splitting them into chunks along their structure, embedding and
// storing the chunks, and hybrid retrieval (vector similarity fused with full
// text search). Work that takes time runs in River jobs (package jobs), which
// call the Service; SQL stays in package store.
package knowledge
