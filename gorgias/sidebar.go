package gorgias

// SidebarData is the JSON Deskmate's HTTP integration answers with. Gorgias
// stores it as the customer's integration data and the sidebar widget from
// SidebarTemplate shows its fields.
type SidebarData struct {
	Status       string `json:"status"`
	LastDecision string `json:"last_decision"`
	Reason       string `json:"reason"`
	Summary      string `json:"summary"`
	TraceURL     string `json:"trace_url"`
}

// ButtonRequest is the JSON body every sidebar button posts. Gorgias
// renders values as strings, so the ticket id arrives as "123".
type ButtonRequest struct {
	TicketID   int64  `json:"ticket_id,string"`
	AgentEmail string `json:"agent_email"`
}

// Query parameters of the Instructions and Translate buttons.
const (
	ParamInstructions = "instructions"
	ParamLanguage     = "language"
)

// Labels of the sidebar buttons.
const (
	ButtonDraft        = "Draft reply"
	ButtonInstructions = "Instructions"
	ButtonTranslate    = "Translate"
	ButtonSummarize    = "Summarize"
)

// DefaultSecretHeader carries the per-install secret on button requests.
const DefaultSecretHeader = "X-Deskmate-Secret"

// SidebarWidget configures Deskmate's sidebar card.
type SidebarWidget struct {
	Title string // card title; default "Deskmate"
	// Where each button posts.
	DraftURL, InstructionsURL, TranslateURL, SummarizeURL string
	// SecretHeader (default X-Deskmate-Secret) carries Secret on every
	// button request.
	SecretHeader string
	Secret       string
	// Languages offered by Translate; default en, fr, de, es, it, nl, pt.
	Languages []string
	// LinkURL, when set, adds an "Open in Deskmate" link; it may hold
	// {{ticket.id}}.
	LinkURL string
}

// SidebarTemplate builds the widget template: a card showing SidebarData's
// fields, with four buttons that POST a ButtonRequest as JSON with the
// secret header. Instructions asks the agent for a mandatory text and
// Translate for a language; both arrive as query parameters
// (ParamInstructions, ParamLanguage), because the card's JSON body holds
// plain values and only headers, query parameters and form fields can be
// editable.
func SidebarTemplate(w SidebarWidget) WidgetNode {
	title := w.Title
	if title == "" {
		title = "Deskmate"
	}
	header := w.SecretHeader
	if header == "" {
		header = DefaultSecretHeader
	}
	langs := w.Languages
	if len(langs) == 0 {
		langs = []string{"en", "fr", "de", "es", "it", "nl", "pt"}
	}
	button := func(label, url string, params ...ActionParam) CustomButton {
		if params == nil {
			params = []ActionParam{}
		}
		return CustomButton{Label: label, Action: ButtonAction{
			Method:  "POST",
			URL:     url,
			Headers: []ActionParam{{Key: header, Value: w.Secret}},
			Params:  params,
			Body: ActionBody{
				ContentType: ContentTypeJSON,
				JSON:        map[string]any{"ticket_id": "{{ticket.id}}", "agent_email": "{{current_user.email}}"},
				Form:        []ActionParam{},
			},
		}}
	}
	links := []CustomLink{}
	if w.LinkURL != "" {
		links = append(links, CustomLink{Label: "Open in Deskmate", URL: w.LinkURL})
	}
	card := WidgetNode{
		Type:  NodeCard,
		Title: title,
		Meta: &WidgetMeta{Custom: &CustomActions{
			Links: links,
			Buttons: []CustomButton{
				button(ButtonDraft, w.DraftURL),
				button(ButtonInstructions, w.InstructionsURL, ActionParam{
					Key: ParamInstructions, Label: "What should the reply say?",
					Type: ParamText, Editable: true, Mandatory: true,
				}),
				button(ButtonTranslate, w.TranslateURL, ActionParam{
					Key: ParamLanguage, Value: langs[0], Label: "Language",
					Type: ParamDropdown, Editable: true, Mandatory: true, Options: langs,
				}),
				button(ButtonSummarize, w.SummarizeURL),
			},
		}},
		Widgets: []WidgetNode{
			{Type: NodeText, Path: "status", Title: "Status"},
			{Type: NodeText, Path: "last_decision", Title: "Last decision"},
			{Type: NodeText, Path: "reason", Title: "Reason"},
			{Type: NodeText, Path: "summary", Title: "Summary"},
			{Type: NodeText, Path: "trace_url", Title: "Trace"},
		},
	}
	return WidgetNode{Type: NodeWrapper, Widgets: []WidgetNode{card}}
}
