// Package parser turns documents into text Deskmate can chunk: it detects the
// format of a file (.md, .txt, .html, .pdf, .docx, .csv FAQ) from its name and
// content and reads it into sections under their headings. PDFs are read in a
// child process with time and memory limits (internal/sandbox). It knows
// nothing of knowledge bases, the database or the network.
package parser
