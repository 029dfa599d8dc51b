package agent

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBusinessHours(t *testing.T) {
	h := BusinessHours{TimeZone: "America/New_York", Week: [7][]string{
		{"09:00-12:00", "13:00-17:00"}, {"09:00-17:00"}, {"09:00-17:00"}, {"09:00-17:00"}, {"09:00-15:00"}, {}, {}},
		Holidays: []string{"2026-12-25"}}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2026, month, day, hour, minute, 0, 0, ny)
	}
	cases := []struct {
		name string
		at   time.Time
		open bool
		next time.Time
	}{
		{"monday morning", at(12, 7, 10, 0), true, time.Time{}},
		{"monday lunch break", at(12, 7, 12, 30), false, at(12, 7, 13, 0)},
		{"friday after closing", at(12, 4, 15, 0), false, at(12, 7, 9, 0)},
		{"saturday", at(12, 5, 11, 0), false, at(12, 7, 9, 0)},
		{"christmas is a holiday", at(12, 25, 10, 0), false, at(12, 28, 9, 0)},
		{"before opening", at(12, 8, 7, 59), false, at(12, 8, 9, 0)},
		{"closing minute is closed", at(12, 8, 17, 0), false, at(12, 9, 9, 0)},
		// The same instant given in UTC is read in the workspace's zone.
		{"utc instant", time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), true, time.Time{}},
	}
	for _, c := range cases {
		open, next := h.openAt(c.at)
		require.Equal(t, c.open, open, c.name)
		if !c.open {
			require.True(t, c.next.Equal(next), "%s: next %v, want %v", c.name, next, c.next)
		}
	}
	always, _ := BusinessHours{}.openAt(at(12, 5, 3, 0))
	require.True(t, always, "no hours means always open")

	require.Equal(t, "today at 13:00", describeNext(at(12, 7, 12, 30), at(12, 7, 13, 0)))
	require.Equal(t, "tomorrow at 09:00", describeNext(at(12, 8, 18, 0), at(12, 9, 9, 0)))
	require.Equal(t, "on Monday at 09:00", describeNext(at(12, 4, 18, 0), at(12, 7, 9, 0)))
}

func TestSettingsCheckNamesBadFields(t *testing.T) {
	s := DefaultSettings()
	s.Hours = BusinessHours{TimeZone: "Mars/Olympus", Week: [7][]string{{"9-17"}}, Holidays: []string{"25/12/2026"}}
	s.PIIMasking = "sometimes"
	s.MaxBotReplies = -1
	err := s.Check()
	require.Error(t, err)
	for _, field := range []string{"hours.time_zone", "hours.week[0][0]", "hours.holidays[0]", "pii_masking", "max_bot_replies"} {
		require.Contains(t, err.Error(), field)
	}
	require.NoError(t, DefaultSettings().Check())
}

func TestFrustration(t *testing.T) {
	angry := []string{
		"THIS IS THE THIRD TIME I AM ASKING WHERE MY PARCEL IS",
		"This is the third time I write about this!!!",
		"Your service is a joke, absolutely useless",
		"I am fed up, nobody answers and I still have no refund",
		"C'est inadmissible, c'est la troisième fois que je vous écris",
		"Das ist eine Frechheit, ich warte seit Wochen",
	}
	for _, text := range angry {
		score, _ := frustrationScore(text, nil)
		require.GreaterOrEqual(t, score, 0.7, text)
	}
	calm := []string{
		"Hi, could you tell me when my order ships?",
		"I love the blue sweater, do you have it in size M?",
		"Thanks a lot, that was quick!",
		"Do you ship to Canada? USA? UK?",
		"My order number is ABC-12345",
	}
	for _, text := range calm {
		score, _ := frustrationScore(text, nil)
		require.Less(t, score, 0.7, text)
	}
	// The same complaint again after earlier ones counts as repeated.
	score, evidence := frustrationScore("still no refund, I asked already", []string{"where is my refund?", "I am still waiting for my refund"})
	require.GreaterOrEqual(t, score, 0.7, evidence)
}

func TestSensitiveTopics(t *testing.T) {
	topics := DefaultSettings().Sensitive
	for text, topic := range map[string]string{
		"I'm going to sue your company":                    "legal",
		"I contacted my bank to dispute the charge":        "chargeback",
		"After using the cream I had an allergic reaction": "medical",
		"The charger caught fire last night":               "safety",
		"Please delete all my personal data (GDPR)":        "data privacy",
	} {
		score, evidence := sensitiveScore(text, topics)
		require.GreaterOrEqual(t, score, 0.75, text)
		require.True(t, strings.HasPrefix(evidence, topic), "%s: %s", text, evidence)
	}
	for _, text := range []string{"How long does shipping take?", "Can I pay with my credit card?", "Is the charger included?"} {
		score, evidence := sensitiveScore(text, topics)
		require.Less(t, score, 0.75, "%s: %s", text, evidence)
	}
}

func TestRepeatedQuestion(t *testing.T) {
	c := Conversation{Messages: []Message{
		{Role: RoleCustomer, Text: "How long does standard shipping take?"},
		{Role: RoleBot, Text: "3 to 5 business days."},
		{Role: RoleCustomer, Text: "how long does standard shipping take"},
		{Role: RoleCustomer, Text: "Do you sell gift cards?"},
	}}
	score, _ := repeatedQuestion(c, 2)
	require.GreaterOrEqual(t, score, 0.8)
	score, _ = repeatedQuestion(c, 3)
	require.Less(t, score, 0.8)
}

func TestRequestsPerson(t *testing.T) {
	for _, text := range []string{"I want to talk to a real person", "can I speak with a human?", "agent please",
		"Quiero hablar con una persona", "Je voudrais parler à un conseiller", "Ich möchte mit einem Mitarbeiter sprechen",
		"posso parlare con un operatore?", "quero falar com um atendente", "ik wil een medewerker spreken", "get me a representative"} {
		require.True(t, RequestsPerson(text), text)
	}
	for _, text := range []string{"Is a person needed to sign for the delivery?", "What does the agent app cost?",
		"how do I talk to my bank about the refund", "cancel my order", "Which human sizes do the gloves come in?"} {
		require.False(t, RequestsPerson(text), text)
	}
}

func TestMaskingRoundTrips(t *testing.T) {
	m := newMasker(true)
	text := "Write to jo.doe+shop@mail.example.org or call (555) 123-4567 / +44 20 7946 0958. " +
		"Order #10023, card 5500-0000-0000-0004, ship to 221B Baker Street, London. Delivered 2026-11-30."
	masked := m.mask(text)
	for _, v := range []string{"jo.doe", "123-4567", "7946", "10023", "5500", "Baker Street"} {
		require.NotContains(t, masked, v)
	}
	require.Contains(t, masked, "2026-11-30", "dates are not phone numbers")
	require.Equal(t, text, m.restore(masked))
	// The same value gets the same placeholder.
	require.Equal(t, m.mask("#10023"), m.mask("order #10023")[6:])
	require.Equal(t, "no data here", newMasker(false).mask("no data here"))
	off := newMasker(false)
	require.Equal(t, text, off.mask(text))
}

func TestMaskForAuto(t *testing.T) {
	for url, want := range map[string]bool{
		"https://api.openai.com/v1": true, "https://llm.example.com/v1": true,
		"http://127.0.0.1:11434": false, "http://localhost:8000/v1": false, "http://ollama:11434": false,
		"http://10.1.2.3:8080/v1": false, "http://192.168.1.20:1234/v1": false, "http://gpu.lan:8000/v1": false,
	} {
		require.Equal(t, want, maskFor("auto", url), url)
	}
	require.True(t, maskFor("on", "http://127.0.0.1:11434"))
	require.False(t, maskFor("off", "https://api.openai.com/v1"))
}

func TestOrderQuestions(t *testing.T) {
	for _, text := range []string{"where is my order?", "Where's my package", "my parcel hasn't arrived yet",
		"Où est ma commande ?", "Wo ist meine Bestellung?", "¿Dónde está mi pedido?", "has my order shipped?", "tracking number please"} {
		require.True(t, asksAboutOrder(text), text)
	}
	for _, text := range []string{"how do I cancel my order", "can I change the order of the items", "what is your return policy"} {
		require.False(t, asksAboutOrder(text), text)
	}
	require.Equal(t, "1001", orderNumberIn("Where is order #1001 please"))
	require.Equal(t, "", orderNumberIn("where is my order, I ordered 2 items"))
	orders := []Order{{Number: "#1001", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Number: "#1042", CreatedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}}
	o, ok := pickOrder(orders, "")
	require.True(t, ok)
	require.Equal(t, "#1042", o.Number, "the latest order")
	o, ok = pickOrder(orders, "1001")
	require.True(t, ok)
	require.Equal(t, "#1001", o.Number)
	_, ok = pickOrder(orders, "9999")
	require.False(t, ok)
}
