// Package lang holds Deskmate's offline text processing, shared by the
// built-in embedder (llm), the intent matcher (intent) and the agent:
// splitting text into words, crude English stemming and stopwords, telling
// the language of a message (Detect) and splitting text into sentences
// (Sentences). Everything it knows is written in its Go source: no model
// files, no network. It depends on nothing of Deskmate's.
package lang
