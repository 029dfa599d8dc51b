package connector

import (
	"fmt"
	"html"
	"strings"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/store"
)

// A decision becomes a plan: the steps to carry out on the ticket, in
// order. Each step is stored before anything is sent, under the customer
// message that caused it, so that a job that runs twice carries each step
// out once.

// Step actions, one row each per cause.
const (
	stepMessage   = "message"   // a public reply or an internal note
	stepTags      = "tags"      // tags to add
	stepAssign    = "assign"    // a hand-over's assignment
	stepClose     = "close"     // close the ticket (the post-action close)
	stepAutoClose = "autoclose" // close it later unless the customer writes again
)

// step is one thing to do to a ticket.
type step struct {
	Action  string                `json:"action"`
	Message *gorgias.MessageInput `json:"message,omitempty"`
	Public  bool                  `json:"public,omitempty"`
	Tags    []string              `json:"tags,omitempty"`
	// Assign: a user, a team, or neither (unassign).
	UserID *int64 `json:"user_id,omitempty"`
	TeamID *int64 `json:"team_id,omitempty"`
	// Close and AutoClose add CloseTag; AutoClose waits Minutes.
	CloseTag string `json:"close_tag,omitempty"`
	Minutes  int    `json:"minutes,omitempty"`
	// Attempted is set just before a message is sent: a run that finds it
	// set looks the message up before sending it again.
	Attempted bool `json:"attempted,omitempty"`
}

// plan turns a decision on a customer message (inbound) into steps. In
// auto-pilot Deskmate writes to the customer as the bot user; in draft mode
// it writes internal notes for an agent to send.
func plan(d agent.Decision, t gorgias.Ticket, inbound gorgias.Message, c store.GorgiasConnection, set Settings,
	tags automation.TagConfig) []step {
	if d.Kind == agent.Nothing {
		if len(d.Tags) > 0 { // not involved: agents see Deskmate stays out
			return []step{{Action: stepTags, Tags: d.Tags}}
		}
		return nil
	}
	public := set.Mode == ModeAutopilot
	var steps []step
	if strings.TrimSpace(d.Reply) != "" {
		if public {
			steps = append(steps, step{Action: stepMessage, Public: true, Message: reply(d.Reply, t, inbound, c, set)})
		} else {
			steps = append(steps, step{Action: stepMessage, Message: note(draftNote(d), botID(c))})
		}
	}
	if len(d.Tags) > 0 {
		steps = append(steps, step{Action: stepTags, Tags: d.Tags})
	}
	if d.Kind == agent.Handover || d.PostAction == "handover" {
		steps = append(steps, step{Action: stepAssign, UserID: set.HandoverUserID, TeamID: set.HandoverTeamID})
	}
	if public && d.Kind == agent.Reply && d.PostAction == "close" {
		steps = append(steps, step{Action: stepClose, CloseTag: systemTag(tags, "closed_by_ai")})
	} else if public && (d.Kind == agent.Reply || d.Kind == agent.Clarify) && d.PostAction != "handover" {
		if m := set.AutoCloseMinutes[t.Channel]; m > 0 {
			steps = append(steps, step{Action: stepAutoClose, Minutes: m, CloseTag: systemTag(tags, "closed_by_ai")})
		}
	}
	return steps
}

// draftNote is the internal note of a decision in draft mode.
func draftNote(d agent.Decision) string {
	var b strings.Builder
	switch d.Kind {
	case agent.Handover:
		fmt.Fprintf(&b, "Deskmate would hand this ticket over (%s): %s\n\nIts last message would be:\n\n%s", d.Reason, d.Explanation, d.Reply)
	default:
		b.WriteString("Deskmate draft reply")
		if d.Review {
			b.WriteString(" (a person should check it)")
		}
		fmt.Fprintf(&b, ": %s\n\n%s", d.Explanation, d.Reply)
	}
	for i, c := range d.Citations {
		if i == 0 {
			b.WriteString("\n\nSources:")
		}
		b.WriteString("\n- " + c.Title)
		if c.URL != "" {
			b.WriteString(" (" + c.URL + ")")
		}
	}
	return b.String()
}

// note is an internal note by the bot user.
func note(text string, bot int64) *gorgias.MessageInput {
	return &gorgias.MessageInput{Channel: gorgias.ChannelInternalNote, Via: "api", FromAgent: true,
		Sender: &gorgias.Ref{ID: bot}, BodyText: text, BodyHTML: textHTML(text), Meta: gorgias.Object{"generated_by": "deskmate"}}
}

// reply is a public reply on the ticket's channel as the bot user: the
// addresses of the customer's message swapped, e-mail as HTML with the
// workspace's signature, other channels as plain text.
func reply(text string, t gorgias.Ticket, inbound gorgias.Message, c store.GorgiasConnection, set Settings) *gorgias.MessageInput {
	channel := inbound.Channel
	if channel == "" {
		channel = t.Channel
	}
	in := &gorgias.MessageInput{Channel: channel, Via: "api", FromAgent: true, Sender: &gorgias.Ref{ID: botID(c)},
		IntegrationID: inbound.IntegrationID, BodyText: text, Meta: gorgias.Object{"generated_by": "deskmate"}}
	if t.Customer != nil && t.Customer.ID != 0 {
		in.Receiver = &gorgias.Ref{ID: t.Customer.ID}
	}
	if src := inbound.Source; src != nil {
		out := &gorgias.Source{Type: src.Type}
		if len(src.To) > 0 {
			from := src.To[0]
			out.From = &from
		}
		if src.From != nil {
			out.To = []gorgias.Address{*src.From}
		}
		in.Source = out
	}
	if channel == gorgias.ChannelEmail {
		in.Subject = t.Subject
		if in.Subject != "" && !strings.HasPrefix(strings.ToLower(in.Subject), "re:") {
			in.Subject = "Re: " + in.Subject
		}
		if sig := strings.TrimSpace(set.Signature); sig != "" {
			in.BodyText = text + "\n\n" + sig
		}
		in.BodyHTML = textHTML(in.BodyText)
	} else {
		in.BodyHTML = html.EscapeString(text)
	}
	return in
}

// textHTML is plain text as HTML paragraphs, links left as text.
func textHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>")
	}
	return b.String()
}
