// Package agent is Deskmate's decision pipeline: it reads a conversation
// with the workspace's configuration and decides what to do — reply, ask a
// clarifying question, hand over to a person (with the reason), or do
// nothing (with why) — plus the tags, the post-action and whether a person
// should check the reply. Every decision comes with a trace of each step.
//
// The pipeline has no side effects on Gorgias: it returns the decision and
// its callers (the webhook job, the playground, the sidebar widget's draft,
// replays of past tickets) act on it. For the same input and configuration it
// gives the same decision.
//
// Steps: eligibility → language → hand-over signals → automation match →
// order data → knowledge retrieval → generation grounded in sources →
// decision. With the built-in provider nothing is generated: replies come
// from automation templates or are extracted from the best knowledge chunk,
// and whatever cannot be answered that way is handed over. With a chat model
// (Ollama or an OpenAI-compatible server) the reply is written by the model,
// as JSON checked against a schema, citing the chunks it used.
package agent
