package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/lang"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

// Thresholds of the hand-over signals.
const (
	frustrationThreshold = 0.7
	sensitiveThreshold   = 0.75
	repeatThreshold      = 0.8
	// languageConfidence is the detection confidence from which Deskmate
	// believes a message is in another language than its knowledge.
	languageConfidence = 0.6
)

// flags change what a run may do.
type flags struct {
	// draft is an agent asking for a draft reply (or a replay): the
	// conversation's state (handed over) and the ticket's tags do not stop it.
	draft bool
}

// Config is a workspace's configuration as one run sees it.
type Config struct {
	Settings Settings
	Tags     automation.TagConfig
	Guidance automation.Guidance
	// Chat is the workspace's chat model; nil with the built-in provider.
	Chat llm.Chat
	// Provider is the chat model's provider: ollama or openai.
	Provider string
	// Mask hides personal data from Chat (a hosted model).
	Mask bool
	// Language is the workspace's language (its knowledge bases'), ISO 639-1.
	Language string
	// Version names this configuration in traces.
	Version string
}

// sources are what the pipeline reads besides the conversation: the
// automation matcher and the knowledge search, bound to a workspace.
type sources interface {
	match(ctx context.Context, message string, vars map[string]string) (automation.Match, error)
	search(ctx context.Context, query string) (knowledge.SearchResponse, error)
	terms(ctx context.Context) (*knowledge.TermStats, error)
}

// state is the conversation's stored state.
type state struct {
	handedOver bool
	suspended  bool
	botReplies int
}

// pipeline is one run.
type pipeline struct {
	conv  Conversation
	cfg   Config
	src   sources
	state state
	opts  flags
	now   time.Time
	trace *Trace
	// set along the way
	current    Message
	currentIdx int
	detected   string
	replyLang  string
	orderVars  map[string]string
}

// decide runs the pipeline. It never fails: errors of a step are recorded
// and lead to a hand-over (reason error) rather than a half reply.
func decide(ctx context.Context, conv Conversation, cfg Config, src sources, st state, opts flags) (Decision, *Trace) {
	p := &pipeline{conv: conv, cfg: cfg, src: src, state: st, opts: opts, now: conv.Now,
		trace: &Trace{Version: TraceVersion, ConfigVersion: cfg.Version, Signals: []Signal{}, Chunks: []ChunkTrace{}, Steps: []Step{}}}
	if p.now.IsZero() {
		p.now = time.Now()
	}
	p.recordInput()
	for _, g := range cfg.Guidance.Workspace {
		p.trace.Instructions = append(p.trace.Instructions, g.Title)
	}
	d := p.run(ctx)
	p.finish(&d)
	p.trace.Decision = d
	return d, p.trace
}

func (p *pipeline) run(ctx context.Context) Decision {
	if d, stop := p.eligibility(); stop {
		return d
	}
	p.language()
	if d, stop := p.signals(); stop {
		return d
	}
	if d, stop := p.automation(ctx); stop {
		return d
	}
	if d, stop := p.order(); stop {
		return d
	}
	return p.knowledge(ctx)
}

func (p *pipeline) recordInput() {
	in := TraceInput{Key: p.conv.Key, TicketID: p.conv.TicketID, Channel: p.conv.Channel, Messages: len(p.conv.Messages),
		MessageHashes: []string{}, Tags: p.conv.Tags, HasEmail: p.conv.Customer.Email != "", Orders: len(p.conv.Customer.Orders)}
	for _, m := range p.conv.Messages {
		if m.ID != "" {
			in.MessageIDs = append(in.MessageIDs, m.ID)
		}
		in.MessageHashes = append(in.MessageHashes, m.Role+":"+hash(m.Text))
	}
	if cur, i := p.conv.current(); i >= 0 {
		in.CurrentHash = hash(cur.Text)
	}
	p.trace.Input = in
}

// eligibility leaves alone what is not Deskmate's to answer.
func (p *pipeline) eligibility() (Decision, bool) {
	defer p.trace.step("eligibility").done()
	if p.state.handedOver && !p.opts.draft {
		return nothing(ReasonHandedOver, "A person has this conversation; Deskmate waits until it is returned to it."), true
	}
	if p.state.suspended && !p.opts.draft {
		return nothing(ReasonSuspended, "Deskmate is suspended on this conversation until it is returned to it."), true
	}
	p.current, p.currentIdx = p.conv.current()
	if p.currentIdx < 0 || (!p.opts.draft && p.currentIdx != len(p.conv.Messages)-1) {
		return nothing(ReasonNoCustomerMessage, "The last message is not the customer's: there is nothing to answer."), true
	}
	if strings.TrimSpace(p.current.Text) == "" {
		return nothing(ReasonEmptyMessage, "The customer's message has no text."), true
	}
	if p.opts.draft || p.conv.TicketID == "" {
		return Decision{}, false
	}
	for _, t := range p.conv.Tags {
		if containsFold(p.cfg.Tags.Excluded, t) {
			return nothing(ReasonExcludedTag, fmt.Sprintf("The ticket has the tag %q, which Deskmate never touches.", t)), true
		}
	}
	if len(p.cfg.Tags.Managed) > 0 {
		managed := false
		for _, t := range p.conv.Tags {
			managed = managed || containsFold(p.cfg.Tags.Managed, t)
		}
		if !managed {
			return nothing(ReasonNotManaged, "The ticket has none of the workspace's managed tags."), true
		}
	}
	return Decision{}, false
}

// language detects the customer's language and chooses the reply's.
func (p *pipeline) language() {
	defer p.trace.step("language").done()
	text := p.current.Text
	if len([]rune(text)) < 30 {
		// Too short to tell alone: read the customer's earlier messages too.
		var all []string
		for _, m := range p.conv.customerMessages() {
			all = append(all, m.Text)
		}
		text = strings.Join(all, "\n")
	}
	code, conf := lang.Detect(text)
	p.detected = code
	p.replyLang = p.cfg.Language
	if p.cfg.Chat != nil && code != "" && conf >= languageConfidence {
		p.replyLang = code
	}
	p.trace.Language = LanguageTrace{Detected: code, Confidence: conf, Reply: p.replyLang, Knowledge: p.cfg.Language}
	p.trace.Language.Confidence = round3(conf)
}

// foreign reports whether the customer confidently writes in another
// language than the one Deskmate can reply in without a model.
// speaks reports whether text is in the customer's language.
func (p *pipeline) speaks(text string) bool {
	code, _ := lang.Detect(text)
	return code == p.detected
}

func (p *pipeline) foreign() bool {
	return p.cfg.Chat == nil && p.detected != "" && p.detected != p.cfg.Language && p.trace.Language.Confidence >= languageConfidence
}

// signals hands over when the customer asks for a person, is angry, raises
// a sensitive topic or goes round in circles.
func (p *pipeline) signals() (Decision, bool) {
	defer p.trace.step("signals").done()
	text := p.current.Text
	var earlier []string
	for _, m := range p.conv.Messages[:p.currentIdx] {
		if m.Role == RoleCustomer {
			earlier = append(earlier, m.Text)
		}
	}
	req, reqWhy := RequestScore(text)
	angry, angryWhy := frustrationScore(text, earlier)
	sens, sensWhy := sensitiveScore(text, p.cfg.Settings.Sensitive)
	replies := max(p.conv.botReplies(), p.state.botReplies)
	maxReplies := max(p.cfg.Settings.MaxBotReplies, 1)
	loop := float64(replies) / float64(maxReplies)
	rep, repWhy := repeatedQuestion(p.conv, p.currentIdx)
	signals := []struct {
		Signal
		reason, explain string
	}{
		{Signal{Name: "requested", Score: req, Threshold: requestThreshold, Evidence: reqWhy}, ReasonRequested,
			"The customer asked for a person."},
		{Signal{Name: "frustration", Score: angry, Threshold: frustrationThreshold, Evidence: angryWhy}, ReasonFrustration,
			"The customer is frustrated or angry."},
		{Signal{Name: "sensitive", Score: sens, Threshold: sensitiveThreshold, Evidence: sensWhy}, ReasonSensitive,
			"The message is about a topic the workspace keeps for people."},
		{Signal{Name: "bot_replies", Score: loop, Threshold: 1, Evidence: fmt.Sprintf("%d of at most %d replies", replies, maxReplies)},
			ReasonLoop, "Deskmate has replied as often as it may in one conversation without solving it."},
		{Signal{Name: "repeated_question", Score: rep, Threshold: repeatThreshold, Evidence: repWhy}, ReasonLoop,
			"The customer asks again what Deskmate already answered."},
	}
	var fired *Decision
	for _, s := range signals {
		s.Score = round3(s.Score)
		s.Fired = s.Score >= s.Threshold
		p.trace.Signals = append(p.trace.Signals, s.Signal)
		if s.Fired && fired == nil {
			d := p.handover(s.reason, s.explain)
			fired = &d
		}
	}
	if fired != nil {
		return *fired, true
	}
	return Decision{}, false
}

// automation answers with an automation's template when the matcher is sure.
func (p *pipeline) automation(ctx context.Context) (Decision, bool) {
	defer p.trace.step("automation").done()
	vars := p.templateVars()
	m, err := p.src.match(ctx, p.current.Text, vars)
	if errors.Is(err, automation.ErrNoModel) {
		p.trace.Automation = &AutomationTrace{Decision: "no_model", Note: "no automations trained yet"}
		return Decision{}, false
	}
	if err != nil {
		p.trace.Automation = &AutomationTrace{Decision: "error", Note: err.Error()}
		return Decision{}, false
	}
	t := &AutomationTrace{Confidence: round3(m.Confidence), Decision: string(m.Decision), ModelVersion: m.ModelVersion,
		RunnerUpConfidence: round3(m.RunnerUpConfidence)}
	if m.RunnerUp != nil {
		t.RunnerUp = m.RunnerUp.Name
	}
	p.trace.Automation = t
	if m.Automation == nil || m.Decision == intent.NoMatch {
		return Decision{}, false
	}
	a := m.Automation
	t.ID, t.Name = &a.ID, a.Name
	if len(a.Channels) > 0 && !slices.Contains(a.Channels, p.conv.Channel) {
		t.Note = "not used on the " + p.conv.Channel + " channel"
		return Decision{}, false
	}
	if m.Response == nil {
		if a.PostAction == "handover" {
			d := p.handover(ReasonAutomation, fmt.Sprintf("The automation %q hands this kind of ticket to a person.", a.Name))
			d.AutomationID = &a.ID
			d.Tags = append(d.Tags, a.Tags...)
			return d, true
		}
		t.Note = "the automation has no response"
		return Decision{}, false
	}
	if strings.Contains(a.Response, "{{order.") && p.orderVars == nil {
		// The answer needs the order, which Deskmate does not have.
		d := p.clarify(p.phrase("ask"), "The automation's answer needs the order: Deskmate asks for its number.")
		d.AutomationID = &a.ID
		return d, true
	}
	if p.cfg.Chat == nil && p.detected != "" && p.detected != a.Language && p.trace.Language.Confidence >= languageConfidence {
		t.Note = "the automation is in " + a.Language + ", the customer writes in " + p.detected
		return p.handover(ReasonLanguage, fmt.Sprintf("The customer writes in %s; the automation's answer is in %s and the built-in provider does not translate.",
			lang.Name(p.detected), lang.Name(a.Language))), true
	}
	d := Decision{Kind: Reply, Reply: *m.Response, Language: a.Language, AutomationID: &a.ID, Confidence: m.Confidence,
		Tags: append([]string{}, a.Tags...), PostAction: a.PostAction,
		Explanation: fmt.Sprintf("The automation %q matched with confidence %.2f.", a.Name, m.Confidence)}
	if m.Decision == intent.Suggest {
		d.Review = true
		d.Explanation += " Not sure enough to send alone: a person should check it."
	}
	return d, true
}

// order answers "where is my order" from the customer's orders.
func (p *pipeline) order() (Decision, bool) {
	defer p.trace.step("order").done()
	if !asksAboutOrder(p.current.Text) {
		return Decision{}, false
	}
	number := ""
	for _, m := range p.conv.customerMessages() {
		if n := orderNumberIn(m.Text); n != "" {
			number = n
		}
	}
	t := &OrderTrace{Asked: true, Number: number}
	p.trace.Order = t
	if p.foreign() {
		return p.handover(ReasonLanguage, fmt.Sprintf("The customer writes in %s and the built-in provider replies only in %s.",
			lang.Name(p.detected), lang.Name(p.cfg.Language))), true
	}
	o, ok := pickOrder(p.conv.Customer.Orders, number)
	switch {
	case ok:
		t.Number, t.Status = o.Number, orderStatus(o)
		d := Decision{Kind: Reply, Reply: orderReply(o, p.replyLang), Language: p.replyLang, Confidence: 1,
			Explanation: fmt.Sprintf("The customer asks about an order: %s is %s.", o.Number, t.Status)}
		return d, true
	case number == "":
		return p.clarify(p.phrase("ask"), "The customer asks about an order without its number, and Deskmate has no order for them."), true
	default:
		d := p.handover(ReasonKnowledgeGap, fmt.Sprintf("The customer asks about order %s, which Deskmate cannot find.", number))
		d.Tags = append(d.Tags, p.systemTag("information_to_human"))
		return d, true
	}
}

// knowledge answers from the knowledge bases, or hands over.
func (p *pipeline) knowledge(ctx context.Context) Decision {
	st := p.trace.step("retrieval")
	query := p.current.Text
	if p.conv.Subject != "" && p.currentIdx == firstCustomer(p.conv) {
		query = p.conv.Subject + "\n" + query
	}
	res, err := p.src.search(ctx, query)
	st.done()
	if err != nil {
		p.trace.Generation = &GenerationTrace{Error: "knowledge search: " + err.Error()}
		return p.handover(ReasonError, "The knowledge search failed.")
	}
	terms, err := p.src.terms(ctx)
	if err != nil {
		p.trace.Generation = &GenerationTrace{Error: "knowledge term statistics: " + err.Error()}
		return p.handover(ReasonError, "The knowledge statistics could not be read.")
	}
	cands := rankCandidates(query, res.Results, terms)
	p.traceChunks(res.Results, cands)
	conf := answerConfidence(cands)
	p.trace.Retrieval = &RetrievalTrace{Query: hash(query), Confidence: round3(conf.value), Threshold: answerThreshold, Features: conf.features}
	if p.cfg.Chat != nil {
		gs := p.trace.step("generation")
		defer gs.done()
		return p.generate(ctx, res.Results, conf)
	}
	// Without a model Deskmate answers another language only from knowledge
	// written in it; otherwise a person who reads the language takes over.
	if p.foreign() && (len(cands) == 0 || !p.speaks(cands[0].result.Text)) {
		return p.handover(ReasonLanguage, fmt.Sprintf("The customer writes in %s; the knowledge is in %s and the built-in provider does not translate.",
			lang.Name(p.detected), lang.Name(p.cfg.Language)))
	}
	if len(cands) == 0 || conf.value < answerThreshold {
		return p.handover(ReasonKnowledgeGap, "Nothing in the knowledge answers this well enough.")
	}
	if p.foreign() {
		p.replyLang = p.detected
	}
	gs := p.trace.step("extract")
	defer gs.done()
	best := cands[0].result
	answer := extractAnswer(query, best, p.replyLang)
	if answer == "" {
		return p.handover(ReasonKnowledgeGap, "The best knowledge chunk holds no sentence that answers.")
	}
	for i := range p.trace.Chunks {
		p.trace.Chunks[i].Used = p.trace.Chunks[i].ChunkID == best.ChunkID
	}
	d := Decision{Kind: Reply, Reply: p.greeting() + answer, Language: p.replyLang, Confidence: conf.value,
		Citations:   []Citation{{ChunkID: best.ChunkID, DocumentID: best.DocumentID, Title: best.Title, URL: best.URL}},
		Explanation: fmt.Sprintf("Answered from %q (confidence %.2f).", best.Title, conf.value)}
	if conf.value < reviewThreshold {
		d.Review = true
		d.Explanation += " A person should check it."
	}
	return d
}

// traceChunks records the chunks found; each document's best chunk carries
// the reranker's features and probability.
func (p *pipeline) traceChunks(results []knowledge.SearchResult, cands []candidate) {
	byChunk := map[int64]candidate{}
	for _, c := range cands {
		byChunk[c.result.ChunkID] = c
	}
	for _, r := range results {
		t := ChunkTrace{ChunkID: r.ChunkID, DocumentID: r.DocumentID, Title: r.Title,
			TitlePath: r.TitlePath, Score: round3(r.Score), VectorScore: round3(r.VectorScore), TextScore: round3(r.TextScore)}
		if c, ok := byChunk[r.ChunkID]; ok {
			rerank := round3(c.p)
			t.Rerank = &rerank
			t.Features = map[string]float64{}
			for i, name := range candidateFeatures {
				t.Features[name] = round3(c.features[i])
			}
		}
		p.trace.Chunks = append(p.trace.Chunks, t)
	}
}

// finish adds the system and smart tags and the final touches.
func (p *pipeline) finish(d *Decision) {
	switch d.Kind {
	case Reply, Clarify:
		d.Tags = append(d.Tags, p.systemTag("handled_by"))
		if d.Review {
			d.Tags = append(d.Tags, p.systemTag("agent_check_recommended"))
		}
		if d.PostAction == "" {
			d.PostAction = "none"
		}
	case Handover:
		d.PostAction = "handover"
	case Nothing:
		if d.Reason == ReasonNotManaged || d.Reason == ReasonExcludedTag {
			d.Tags = append(d.Tags, p.systemTag("not_involved"))
		}
	}
	if d.Kind != Nothing && p.currentIdx >= 0 {
		for _, t := range p.smartTags() {
			if !containsFold(d.Tags, t.Name) {
				d.Tags = append(d.Tags, t.Name)
			}
			if d.Kind == Reply && t.PostAction != "" && t.PostAction != "none" && (d.PostAction == "" || d.PostAction == "none") {
				d.PostAction = t.PostAction
			}
		}
	}
	if d.Kind == Reply && d.PostAction == "handover" {
		d.Tags = append(d.Tags, p.systemTag("agent_required"))
	}
	d.Tags = dedupeFold(d.Tags)
	d.Confidence = round3(d.Confidence)
}

// handover is the final message and tags of a hand-over for reason.
func (p *pipeline) handover(reason, explanation string) Decision {
	s := p.cfg.Settings
	open, next := s.Hours.openAt(p.now)
	if p.conv.Open != nil {
		open = *p.conv.Open
	}
	msg := s.HandoverOpen
	if !open {
		msg = strings.ReplaceAll(s.HandoverClosed, "{next_open}", describeNext(p.now, next))
	}
	if isChat(p.conv.Channel) && p.conv.Customer.Email == "" && s.AskEmail != "" {
		msg += "\n\n" + s.AskEmail
	}
	// agent_required marks every hand-over: agents find what needs them by
	// it, and removing it gives the ticket back to Deskmate.
	tags := []string{p.systemTag("sys_human_help"), p.systemTag("agent_required")}
	switch reason {
	case ReasonRequested:
		tags = append(tags, p.systemTag("transfer_to_human"))
	case ReasonAutomation:
		// The automation's own hand-over: agent_required says it all.
	default:
		tags = append(tags, p.systemTag("need_human_help"))
	}
	if !open {
		tags = append(tags, p.systemTag("sys_human_follow_up"))
	}
	return Decision{Kind: Handover, Reason: reason, Reply: msg, Language: p.cfg.Language, Tags: tags, Explanation: explanation}
}

func (p *pipeline) clarify(question, explanation string) Decision {
	return Decision{Kind: Clarify, Reply: p.greeting() + question, Language: p.replyLang, Explanation: explanation}
}

func nothing(reason, explanation string) Decision {
	return Decision{Kind: Nothing, Reason: reason, Explanation: explanation}
}

// systemTag is the workspace's name for a system tag.
func (p *pipeline) systemTag(key string) string {
	for _, t := range p.cfg.Tags.System {
		if t.Key == key && t.Name != "" {
			return t.Name
		}
	}
	return automation.DefaultSystemTagName(key)
}

// smartTags are the smart tags whose description fits the message.
func (p *pipeline) smartTags() []store.SmartTag {
	var out []store.SmartTag
	for _, t := range p.cfg.Tags.Smart {
		when := strings.TrimSpace(t.Description + " " + t.Instructions)
		if when == "" {
			continue
		}
		ws := stemSet(when)
		ms := stemSet(p.current.Text)
		if len(ws) == 0 || len(ms) == 0 {
			continue
		}
		shared := 0
		for s := range ms {
			if ws[s] {
				shared++
			}
		}
		// Most of what the customer wrote is what the tag is about.
		if float64(shared)/float64(len(ms)) >= 0.5 && shared >= 2 {
			out = append(out, t)
		}
	}
	return out
}

// templateVars are the automation template variables of this conversation.
func (p *pipeline) templateVars() map[string]string {
	vars := map[string]string{"customer.first_name": p.conv.Customer.FirstName(), "ticket.id": p.conv.TicketID}
	number := ""
	for _, m := range p.conv.customerMessages() {
		if n := orderNumberIn(m.Text); n != "" {
			number = n
		}
	}
	if o, ok := pickOrder(p.conv.Customer.Orders, number); ok {
		p.orderVars = orderVars(o)
		for k, v := range p.orderVars {
			vars[k] = v
		}
	}
	return vars
}

// phrase is one of the order phrases in the reply language.
func (p *pipeline) phrase(key string) string {
	if ph := orderPhrases[p.replyLang]; ph != nil {
		return ph[key]
	}
	return orderPhrases["en"][key]
}

// greeting opens a reply with the customer's first name when known.
func (p *pipeline) greeting() string {
	name := p.conv.Customer.FirstName()
	if name == "" {
		return ""
	}
	hello := map[string]string{"en": "Hi", "fr": "Bonjour", "de": "Hallo", "es": "Hola", "it": "Ciao", "pt": "Olá", "nl": "Hoi"}[p.replyLang]
	if hello == "" {
		hello = "Hi"
	}
	return hello + " " + name + ",\n\n"
}

func isChat(channel string) bool {
	switch channel {
	case "chat", "sms", "whatsapp", "facebook-messenger", "instagram-direct-message", "custom-chat", "twitter-direct-message":
		return true
	}
	return false
}

func firstCustomer(c Conversation) int {
	for i, m := range c.Messages {
		if m.Role == RoleCustomer {
			return i
		}
	}
	return -1
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func dedupeFold(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s != "" && !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
