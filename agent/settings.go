package agent

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/deskmate/deskmate/internal/validate"
)

// Settings are a workspace's agent settings (Settings → Agent in the app).
type Settings struct {
	// Sensitive are topics a person always handles.
	Sensitive []Topic `json:"sensitive"`
	// MaxBotReplies is how many replies Deskmate gives in one conversation
	// before it hands over (the customer is evidently not helped).
	MaxBotReplies int `json:"max_bot_replies"`
	// Hours are the team's business hours, for the hand-over message.
	Hours BusinessHours `json:"hours"`
	// HandoverOpen and HandoverClosed are the final messages of a hand-over
	// during and outside business hours; {next_open} names when the team is
	// back.
	HandoverOpen   string `json:"handover_open"`
	HandoverClosed string `json:"handover_closed"`
	// AskEmail is added on chat when the customer left no email address.
	AskEmail string `json:"ask_email"`
	// PIIMasking hides personal data from hosted models: auto (on for a
	// model that is not on this machine or a private network), on, off.
	PIIMasking string `json:"pii_masking"`
	// Prices are per million tokens, in USD, for cost estimates.
	InputPricePerMillion  float64 `json:"input_price_per_million"`
	OutputPricePerMillion float64 `json:"output_price_per_million"`
}

// Topic is a sensitive subject, recognised from its name and examples.
type Topic struct {
	Name     string   `json:"name"`
	Examples []string `json:"examples"`
}

// BusinessHours are weekly opening hours in a time zone, with holidays.
type BusinessHours struct {
	TimeZone string `json:"time_zone"` // IANA name, e.g. Europe/Paris
	// Week holds, Monday first, each day's opening spans as "09:00-17:00";
	// an empty day is closed. No week at all means always open.
	Week     [7][]string `json:"week"`
	Holidays []string    `json:"holidays"` // YYYY-MM-DD, closed all day
}

// DefaultSettings are used until an admin saves others.
func DefaultSettings() Settings {
	return Settings{
		Sensitive: []Topic{
			{Name: "legal", Examples: []string{"I will sue you", "my lawyer will contact you", "I am taking legal action", "this is going to court"}},
			{Name: "chargeback", Examples: []string{"I will file a chargeback", "I disputed the charge with my bank", "I opened a dispute with PayPal"}},
			{Name: "medical", Examples: []string{"I had an allergic reaction", "the product made me sick", "I ended up in hospital"}},
			{Name: "safety", Examples: []string{"the charger caught fire", "it exploded", "my child was injured"}},
			{Name: "data privacy", Examples: []string{"delete all my personal data", "GDPR request for my data", "who has access to my data"}},
		},
		MaxBotReplies:  3,
		HandoverOpen:   "I'm passing your message to a member of our team, who will get back to you shortly.",
		HandoverClosed: "I'm passing your message to our team. We're closed right now and back {next_open}; someone will get back to you then.",
		AskEmail:       "Could you leave your email address, so that we can reach you if you leave the chat?",
		PIIMasking:     "auto",
	}
}

var spanRe = regexp.MustCompile(`^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$`)

// Check validates settings, naming each bad field.
func (s Settings) Check() error {
	v := validate.Errors{}
	if len(s.Sensitive) > 50 {
		v.Add("sensitive", "at most 50 topics")
	}
	for i, t := range s.Sensitive {
		field := fmt.Sprintf("sensitive[%d]", i)
		v.Length(field+".name", strings.TrimSpace(t.Name), 1, 100)
		if len(t.Examples) > 30 {
			v.Add(field+".examples", "at most 30 examples")
		}
		for j, e := range t.Examples {
			v.Length(fmt.Sprintf("%s.examples[%d]", field, j), strings.TrimSpace(e), 1, 300)
		}
	}
	if s.MaxBotReplies < 1 || s.MaxBotReplies > 20 {
		v.Add("max_bot_replies", "must be from 1 to 20")
	}
	if s.Hours.TimeZone != "" {
		if _, err := time.LoadLocation(s.Hours.TimeZone); err != nil {
			v.Add("hours.time_zone", "is not a time zone name such as Europe/Paris or America/New_York")
		}
	}
	for d, spans := range s.Hours.Week {
		if len(spans) > 10 {
			v.Add(fmt.Sprintf("hours.week[%d]", d), "at most 10 spans a day")
		}
		for i, sp := range spans {
			if m := spanRe.FindStringSubmatch(sp); m == nil || m[1]+m[2] >= m[3]+m[4] {
				v.Add(fmt.Sprintf("hours.week[%d][%d]", d, i), fmt.Sprintf("%q is not an opening span such as 09:00-17:00", sp))
			}
		}
	}
	if len(s.Hours.Holidays) > 100 {
		v.Add("hours.holidays", "at most 100 days")
	}
	for i, h := range s.Hours.Holidays {
		if _, err := time.Parse("2006-01-02", h); err != nil {
			v.Add(fmt.Sprintf("hours.holidays[%d]", i), fmt.Sprintf("%q is not a date such as 2026-12-25", h))
		}
	}
	v.Length("handover_open", s.HandoverOpen, 1, 1000)
	v.Length("handover_closed", s.HandoverClosed, 1, 1000)
	v.Length("ask_email", s.AskEmail, 0, 500)
	v.OneOf("pii_masking", s.PIIMasking, "auto", "on", "off")
	if s.InputPricePerMillion < 0 || s.InputPricePerMillion > 1000 {
		v.Add("input_price_per_million", "must be from 0 to 1000")
	}
	if s.OutputPricePerMillion < 0 || s.OutputPricePerMillion > 1000 {
		v.Add("output_price_per_million", "must be from 0 to 1000")
	}
	return v.Err()
}

// openAt reports whether the team is open at t and, when it is not, when it
// opens next (zero when never within two weeks).
func (h BusinessHours) openAt(t time.Time) (open bool, next time.Time) {
	if !h.hasHours() {
		return true, time.Time{}
	}
	loc := time.UTC
	if h.TimeZone != "" {
		if l, err := time.LoadLocation(h.TimeZone); err == nil {
			loc = l
		}
	}
	t = t.In(loc)
	if h.openDuring(t) {
		return true, time.Time{}
	}
	// The next opening: walk the spans of the next 14 days.
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 15; i++ {
		d := day.AddDate(0, 0, i)
		if h.holiday(d) {
			continue
		}
		for _, sp := range h.Week[(int(d.Weekday())+6)%7] {
			m := spanRe.FindStringSubmatch(sp)
			if m == nil {
				continue
			}
			start := d.Add(time.Duration(atoi(m[1]))*time.Hour + time.Duration(atoi(m[2]))*time.Minute)
			if start.After(t) {
				return false, start
			}
		}
	}
	return false, time.Time{}
}

func (h BusinessHours) hasHours() bool {
	for _, spans := range h.Week {
		if len(spans) > 0 {
			return true
		}
	}
	return false
}

func (h BusinessHours) holiday(d time.Time) bool {
	day := d.Format("2006-01-02")
	for _, x := range h.Holidays {
		if x == day {
			return true
		}
	}
	return false
}

func (h BusinessHours) openDuring(t time.Time) bool {
	if h.holiday(t) {
		return false
	}
	minute := t.Hour()*60 + t.Minute()
	for _, sp := range h.Week[(int(t.Weekday())+6)%7] {
		m := spanRe.FindStringSubmatch(sp)
		if m == nil {
			continue
		}
		from, to := atoi(m[1])*60+atoi(m[2]), atoi(m[3])*60+atoi(m[4])
		if minute >= from && minute < to {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// describeNext says when the team is back, relative to now: "at 09:00",
// "tomorrow at 09:00", "on Monday at 09:00".
func describeNext(now, next time.Time) string {
	if next.IsZero() {
		return "as soon as we can"
	}
	now = now.In(next.Location())
	clock := next.Format("15:04")
	y1, m1, d1 := now.Date()
	y2, m2, d2 := next.Date()
	today := time.Date(y1, m1, d1, 0, 0, 0, 0, next.Location())
	day := time.Date(y2, m2, d2, 0, 0, 0, 0, next.Location())
	switch days := int(day.Sub(today).Hours() / 24); {
	case days <= 0:
		return "today at " + clock
	case days == 1:
		return "tomorrow at " + clock
	case days < 7:
		return "on " + next.Weekday().String() + " at " + clock
	default:
		return "on " + next.Format("Monday 2 January") + " at " + clock
	}
}
