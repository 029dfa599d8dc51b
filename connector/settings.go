package connector

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/deskmate/deskmate/internal/validate"
)

// Modes: what Deskmate does with a reply.
const (
	// ModeDraft posts replies as internal notes for an agent to send.
	ModeDraft = "draft"
	// ModeAutopilot sends replies to the customer as the bot user.
	ModeAutopilot = "autopilot"
)

// Channels Deskmate can answer on, as Gorgias names them.
var Channels = []string{"email", "chat", "contact_form", "sms", "facebook-messenger", "instagram-direct-message",
	"whatsapp", "api"}

// Settings are how Deskmate works on a workspace's Gorgias tickets.
type Settings struct {
	// Channels Deskmate answers on; tickets on others are left alone.
	Channels []string `json:"channels"`
	// Mode is draft (internal notes) or autopilot (replies to customers).
	Mode string `json:"mode"`
	// ReplyDelaySeconds holds a reply back; an agent who replies or takes
	// the ticket meanwhile cancels it.
	ReplyDelaySeconds int `json:"reply_delay_seconds"`
	// QuietSeconds is how long Deskmate waits after a customer message for
	// more: a burst of messages gets one answer.
	QuietSeconds int `json:"quiet_seconds"`
	// HandleUnassigned lets Deskmate answer tickets nobody is assigned to;
	// otherwise only tickets assigned to the bot user. Tickets assigned to a
	// person are always left to them.
	HandleUnassigned bool `json:"handle_unassigned"`
	// A hand-over assigns the ticket to this user or team; neither unassigns it.
	HandoverUserID *int64 `json:"handover_user_id"`
	HandoverTeamID *int64 `json:"handover_team_id"`
	// AutoCloseMinutes closes a ticket that many minutes after Deskmate's
	// answer when the customer did not write again, per channel (0: never).
	AutoCloseMinutes map[string]int `json:"auto_close_minutes"`
	// Signature ends e-mail replies (plain text; lines become <br>).
	Signature string `json:"signature"`
}

// DefaultSettings are a new connection's: drafts only, so that a team sees
// what Deskmate would say before it says it.
func DefaultSettings() Settings {
	return Settings{Channels: []string{"email", "chat", "contact_form"}, Mode: ModeDraft, QuietSeconds: 5,
		HandleUnassigned: true, AutoCloseMinutes: map[string]int{}}
}

// Check validates settings, naming each bad field.
func (s Settings) Check() error {
	v := validate.Errors{}
	if len(s.Channels) > len(Channels) {
		v.Add("channels", "too many")
	}
	for i, c := range s.Channels {
		if !slices.Contains(Channels, c) {
			v.Add(fmt.Sprintf("channels[%d]", i), "must be one of "+strings.Join(Channels, ", "))
		}
	}
	v.OneOf("mode", s.Mode, ModeDraft, ModeAutopilot)
	if s.ReplyDelaySeconds < 0 || s.ReplyDelaySeconds > 3600 {
		v.Add("reply_delay_seconds", "must be from 0 to 3600")
	}
	if s.QuietSeconds < 0 || s.QuietSeconds > 300 {
		v.Add("quiet_seconds", "must be from 0 to 300")
	}
	if s.HandoverUserID != nil && s.HandoverTeamID != nil {
		v.Add("handover_team_id", "choose a user or a team, not both")
	}
	for ch, m := range s.AutoCloseMinutes {
		if !slices.Contains(Channels, ch) {
			v.Add("auto_close_minutes."+ch, "is not a channel Deskmate answers on")
		} else if m < 0 || m > 60*24*30 {
			v.Add("auto_close_minutes."+ch, "must be from 0 to 43200 minutes (30 days)")
		}
	}
	v.Length("signature", s.Signature, 0, 2000)
	return v.Err()
}

// answers reports whether Deskmate answers on a channel.
func (s Settings) answers(channel string) bool { return slices.Contains(s.Channels, channel) }

// decodeSettings reads stored settings over the defaults.
func decodeSettings(raw []byte) (Settings, error) {
	s := DefaultSettings()
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &s); err != nil {
			return s, fmt.Errorf("connector settings: %w", err)
		}
	}
	if s.AutoCloseMinutes == nil {
		s.AutoCloseMinutes = map[string]int{}
	}
	if s.Channels == nil {
		s.Channels = []string{}
	}
	return s, nil
}
