// Package lang holds Deskmate's offline text processing, shared by the
// built-in embedder (llm), the intent matcher (intent) and the agent:
// splitting text into words, crude English stemming and stopwords. It
// depends on nothing of Deskmate's.
package lang
