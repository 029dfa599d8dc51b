package agent

// Kind is what the pipeline decided to do.
type Kind string

// The decisions.
const (
	Reply    Kind = "reply"    // answer the customer
	Clarify  Kind = "clarify"  // ask the customer a question first (an order number, say)
	Handover Kind = "handover" // a person takes over, with a final message to the customer
	Nothing  Kind = "nothing"  // leave the ticket alone, with why
)

// Reasons for a hand-over.
const (
	ReasonRequested     = "requested"      // the customer asked for a person
	ReasonFrustration   = "frustration"    // anger, insults, repeated complaints
	ReasonSensitive     = "sensitive"      // a topic the workspace keeps for people (legal, chargeback, ...)
	ReasonKnowledgeGap  = "knowledge_gap"  // nothing in the knowledge answers it
	ReasonLowConfidence = "low_confidence" // an answer exists but Deskmate is not sure enough
	ReasonLoop          = "loop"           // too many bot replies, or the same question again
	ReasonLanguage      = "language"       // the customer's language cannot be served
	ReasonError         = "error"          // the model failed or answered nonsense
	ReasonAutomation    = "automation"     // an automation or smart tag hands this kind of ticket over
)

// Reasons for doing nothing.
const (
	ReasonHandedOver        = "handed_over"         // a person has the conversation
	ReasonSuspended         = "suspended"           // an automation suspended Deskmate on this conversation
	ReasonNoCustomerMessage = "no_customer_message" // the last message is not the customer's
	ReasonEmptyMessage      = "empty_message"
	ReasonExcludedTag       = "excluded_tag" // the ticket has a tag Deskmate never touches
	ReasonNotManaged        = "not_managed"  // the ticket has none of the workspace's managed tags
	ReasonAutomationLeave   = "automation_leave"
)

// Decision is the pipeline's outcome.
type Decision struct {
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason,omitempty"`
	// Reply is the text for the customer (reply, clarify, and the final
	// message of a hand-over), plain text with paragraphs; the connector
	// formats it for the channel.
	Reply     string     `json:"reply,omitempty"`
	Language  string     `json:"language,omitempty"` // of the reply
	Citations []Citation `json:"citations,omitempty"`
	// Tags are the tag names to add (system tags by their meaning, the
	// automation's and smart tags).
	Tags []string `json:"tags,omitempty"`
	// PostAction is what to do after replying: none, close, suspend or handover.
	PostAction string `json:"post_action,omitempty"`
	// Review asks a person to check the reply: send it as a draft (internal
	// note), or tag the ticket "agent check recommended" when auto-pilot sends.
	Review       bool    `json:"review,omitempty"`
	AutomationID *int64  `json:"automation_id,omitempty"`
	Confidence   float64 `json:"confidence,omitempty"`
	// Explanation says why, in a sentence, for people reading traces.
	Explanation string `json:"explanation"`
}

// Citation is a knowledge chunk a reply is based on.
type Citation struct {
	ChunkID    int64  `json:"chunk_id"`
	DocumentID int64  `json:"document_id"`
	Title      string `json:"title"`
	URL        string `json:"url,omitempty"`
}
