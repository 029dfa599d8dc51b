package agent_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
)

var helpCenter = map[string]string{
	"Returns and refunds": "You can return any item within 30 days of delivery for a full refund. " +
		"Start a return from the Orders page of your account and print the prepaid label. " +
		"Refunds reach your card within 5 business days after we receive the item.",
	"Shipping times": "Standard shipping takes 3 to 5 business days within the EU. " +
		"Express shipping arrives the next business day when you order before 2 pm. " +
		"Shipping is free on orders over 50 euros.",
	"Gift cards": "Gift cards are sent by email within minutes of purchase and never expire. " +
		"They can be used on any product of the shop, but not to buy another gift card.",
}

var automationsList = []automation.Input{
	{Name: str("Cancel order"), Response: str("Hi {{customer.first_name}}, I have asked our warehouse to stop your order. You will get a confirmation email shortly."),
		Tags: phrases("cancellation"), Active: ptr(true),
		Phrases: phrases("I want to cancel my order", "please cancel my order", "cancel order", "how do I cancel my purchase",
			"I changed my mind, cancel the order", "can you cancel what I bought", "stop my order please", "cancel my purchase now")},
	{Name: str("Change address"), Response: str("Hi {{customer.first_name}}, send me the new address and I will update your order."),
		Tags: phrases("address"), Active: ptr(true),
		Phrases: phrases("I need to change my shipping address", "wrong address on my order", "update my delivery address",
			"can I change where my order is sent", "I moved, change the address", "edit shipping address", "fix the address on my order")},
}

func ptr[T any](v T) *T { return &v }

func TestAutomationMatchRepliesWithItsTemplateAndTags(t *testing.T) {
	e := setup(t, nil)
	e.automations(automationsList)
	_, res := e.ask(newConv("email"), "Please cancel my order, I changed my mind")
	d := res.Decision
	require.Equal(t, agent.Reply, d.Kind, d.Explanation)
	require.Equal(t, "Hi Ana, I have asked our warehouse to stop your order. You will get a confirmation email shortly.", d.Reply)
	require.NotNil(t, d.AutomationID)
	require.Contains(t, d.Tags, "cancellation")
	require.Contains(t, d.Tags, "ai-handled")
	require.Equal(t, "Cancel order", res.Trace.Automation.Name)
	require.Positive(t, res.Trace.Automation.Confidence)
	require.NotEmpty(t, res.Run.ID)
	require.Equal(t, "reply", res.Run.Decision)
}

func TestKnowledgeQuestionGetsAGroundedReplyCitingTheChunk(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "How many days do I have to return an item for a refund?")
	d := res.Decision
	require.Equal(t, agent.Reply, d.Kind, d.Explanation)
	require.Len(t, d.Citations, 1)
	require.Equal(t, "Returns and refunds", d.Citations[0].Title)
	require.Contains(t, d.Reply, "within 30 days")
	require.Contains(t, d.Reply, "Source: Returns and refunds")
	require.True(t, strings.HasPrefix(d.Reply, "Hi Ana,"))
	// Every sentence of the reply is the knowledge's own.
	body := strings.SplitN(strings.SplitN(d.Reply, "\n\n", 2)[1], "\n\nSource:", 2)[0]
	for _, s := range strings.Split(body, ". ") {
		require.Contains(t, helpCenter["Returns and refunds"], strings.TrimSuffix(s, "."), "invented: %q", s)
	}
	require.True(t, res.Trace.Chunks[0].Used)
	require.NotNil(t, res.Trace.Retrieval)
}

func TestQuestionNothingCoversIsAKnowledgeGapHandover(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "Do you sell replacement batteries for the solar lantern model X2?")
	d := res.Decision
	require.Equal(t, agent.Handover, d.Kind, d.Explanation)
	require.Equal(t, agent.ReasonKnowledgeGap, d.Reason)
	require.Empty(t, d.Citations, "no invented answer")
	require.Contains(t, d.Tags, "need-human-help")
	require.Equal(t, "handover", d.PostAction)
}

func TestWhereIsMyOrder(t *testing.T) {
	e := setup(t, nil)
	shipped := agent.Order{Number: "#1042", CreatedAt: time.Now().Add(-72 * time.Hour), FulfillmentStatus: "fulfilled",
		ShipmentStatus: "in_transit", TrackingCompany: "UPS", TrackingNumber: "1Z999", TrackingURL: "https://ups.example/track/1Z999"}
	older := agent.Order{Number: "#1001", CreatedAt: time.Now().Add(-30 * 24 * time.Hour), FulfillmentStatus: "fulfilled", ShipmentStatus: "delivered"}

	conv := newConv("email")
	conv.Customer.Orders = []agent.Order{older, shipped}
	_, res := e.ask(conv, "Hi, where is my order?")
	d := res.Decision
	require.Equal(t, agent.Reply, d.Kind, d.Explanation)
	require.Contains(t, d.Reply, "#1042")
	require.Contains(t, d.Reply, "https://ups.example/track/1Z999")
	require.Contains(t, d.Reply, "UPS")
	require.Equal(t, "#1042", res.Trace.Order.Number)

	// Without order data Deskmate asks for the number.
	_, res = e.ask(newConv("email"), "where is my order??")
	require.Equal(t, agent.Clarify, res.Decision.Kind, res.Decision.Explanation)
	require.Contains(t, res.Decision.Reply, "order number")

	// A number the customer gives picks that order.
	_, res = e.ask(conv, "Where is my order #1001 please")
	require.Equal(t, agent.Reply, res.Decision.Kind)
	require.Contains(t, res.Decision.Reply, "#1001 was delivered")
}

func TestAskingForAPersonInThreeLanguages(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	for _, text := range []string{"I want to talk to a real person", "Quiero hablar con una persona, por favor", "Je voudrais parler à un conseiller"} {
		_, res := e.ask(newConv("email"), text)
		d := res.Decision
		require.Equal(t, agent.Handover, d.Kind, "%q: %s", text, d.Explanation)
		require.Equal(t, agent.ReasonRequested, d.Reason, text)
		require.Contains(t, d.Tags, "transfer-to-human", text)
		require.Equal(t, agent.DefaultSettings().HandoverOpen, d.Reply, text)
	}
}

func TestHandoverMessageFollowsBusinessHoursAndAsksForAnEmailOnChat(t *testing.T) {
	e := setup(t, nil)
	s := agent.DefaultSettings()
	s.Hours = agent.BusinessHours{TimeZone: "Europe/Paris", Week: [7][]string{{"09:00-17:00"}, {"09:00-17:00"}, {"09:00-17:00"},
		{"09:00-17:00"}, {"09:00-17:00"}, {}, {}}}
	_, err := e.ag.PutSettings(e.ctx, e.actor, s)
	require.NoError(t, err)
	paris, _ := time.LoadLocation("Europe/Paris")

	conv := newConv("email")
	conv.Now = time.Date(2026, 12, 2, 10, 0, 0, 0, paris) // a Wednesday morning
	_, res := e.ask(conv, "can I speak to a human please")
	require.Equal(t, s.HandoverOpen, res.Decision.Reply)

	conv = newConv("email")
	conv.Now = time.Date(2026, 12, 4, 20, 0, 0, 0, paris) // Friday evening
	_, res = e.ask(conv, "can I speak to a human please")
	require.Contains(t, res.Decision.Reply, "back on Monday at 09:00")
	require.Contains(t, res.Decision.Tags, "sys-human-follow-up")

	chat := newConv("chat")
	chat.Customer.Email = ""
	chat.Now = conv.Now
	_, res = e.ask(chat, "agent please")
	require.Equal(t, agent.Handover, res.Decision.Kind)
	require.Contains(t, res.Decision.Reply, s.AskEmail, "on chat without an email Deskmate asks for one")
}

func TestAngryCustomerIsHandedOver(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "THIS IS THE THIRD TIME I WRITE ABOUT MY REFUND. Absolutely ridiculous service!!!")
	require.Equal(t, agent.Handover, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, agent.ReasonFrustration, res.Decision.Reason)
	var fired []string
	for _, s := range res.Trace.Signals {
		if s.Fired {
			fired = append(fired, s.Name)
		}
	}
	require.Contains(t, fired, "frustration")
}

func TestSensitiveTopicIsHandedOver(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "I am going to file a chargeback with my bank if this is not fixed")
	require.Equal(t, agent.Handover, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, agent.ReasonSensitive, res.Decision.Reason)
}

func TestHandedOverConversationIsLeftAloneUntilReturned(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	conv := newConv("chat")
	conv, res := e.ask(conv, "I need a human")
	require.Equal(t, agent.Handover, res.Decision.Kind)

	conv, res = e.ask(conv, "How long does standard shipping take?")
	require.Equal(t, agent.Nothing, res.Decision.Kind)
	require.Equal(t, agent.ReasonHandedOver, res.Decision.Reason)

	require.NoError(t, e.ag.ReturnToBot(e.ctx, e.actor, conv.Key))
	_, res = e.ask(conv, "How long does standard shipping take?")
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
	require.Contains(t, res.Decision.Reply, "3 to 5 business days")
}

func TestLoopsAreHandedOver(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	conv := newConv("chat")
	conv, res := e.ask(conv, "How long does standard shipping take?")
	require.Equal(t, agent.Reply, res.Decision.Kind)
	_, res = e.ask(conv, "how long does standard shipping take")
	require.Equal(t, agent.Handover, res.Decision.Kind, "the same question again")
	require.Equal(t, agent.ReasonLoop, res.Decision.Reason)
}

func TestBuiltinHandsOverWhatItCannotSayInTheCustomersLanguage(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	_, res := e.ask(newConv("email"), "Wie lange dauert der Standardversand nach Deutschland? Ich brauche die Lieferung bis Freitag.")
	require.Equal(t, agent.Handover, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, agent.ReasonLanguage, res.Decision.Reason)
	require.Equal(t, "de", res.Trace.Language.Detected)
}

func TestDraftIgnoresHandoverAndChangesNothing(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	conv := newConv("email")
	conv, _ = e.ask(conv, "I want to speak to a person")
	conv.Messages = append(conv.Messages, agent.Message{Role: agent.RoleCustomer, Text: "Also, how long does express shipping take?"})
	res, err := e.ag.Draft(e.ctx, e.actor, conv)
	require.NoError(t, err)
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, "draft", res.Run.Source)
	st, err := e.ag.ConversationState(e.ctx, e.actor, conv.Key)
	require.NoError(t, err)
	require.Equal(t, "handed_over", st.State, "a draft does not change the conversation")
}

func TestSameInputSameDecision(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	e.automations(automationsList)
	for _, text := range []string{"How long does express shipping take?", "cancel my order please", "Do gift cards expire?"} {
		conv := newConv("email")
		conv.Messages = []agent.Message{{Role: agent.RoleCustomer, Text: text}}
		a, err := e.ag.Draft(e.ctx, e.actor, conv)
		require.NoError(t, err)
		b, err := e.ag.Draft(e.ctx, e.actor, conv)
		require.NoError(t, err)
		require.Equal(t, a.Decision, b.Decision, text)
		require.Equal(t, a.Trace.ConfigVersion, b.Trace.ConfigVersion)
		require.Equal(t, a.Trace.Chunks, b.Trace.Chunks)
	}
}

func TestReplayShowsTheDecisionWithTheCurrentConfiguration(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	_, first := e.ask(newConv("email"), "Can I cancel my order?")
	e.automations(automationsList)
	res, orig, err := e.ag.Replay(e.ctx, e.actor, first.Run.ID)
	require.NoError(t, err)
	require.Equal(t, first.Run.ID, orig.ID)
	require.Equal(t, "replay", res.Run.Source)
	require.Equal(t, first.Run.ID, *res.Run.ReplayOf)
	require.NotEqual(t, orig.ConfigVersion, res.Run.ConfigVersion, "the automations changed the configuration")
	require.Equal(t, agent.Reply, res.Decision.Kind)
	require.NotNil(t, res.Decision.AutomationID)
}

func TestSuspendPostActionLeavesTheConversationAloneUntilReturned(t *testing.T) {
	e := setup(t, nil)
	e.knowledgeBase(helpCenter)
	list := append([]automation.Input{}, automationsList...)
	list[0].PostAction = str("suspend")
	e.automations(list)
	conv, res := e.ask(newConv("chat"), "Please cancel my order, I changed my mind")
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
	require.Equal(t, "suspend", res.Decision.PostAction)

	conv, res = e.ask(conv, "How long does standard shipping take?")
	require.Equal(t, agent.Nothing, res.Decision.Kind)
	require.Equal(t, agent.ReasonSuspended, res.Decision.Reason)
	st, err := e.ag.ConversationState(e.ctx, e.actor, conv.Key)
	require.NoError(t, err)
	require.Equal(t, "suspended", st.State)

	require.NoError(t, e.ag.ReturnToBot(e.ctx, e.actor, conv.Key))
	_, res = e.ask(conv, "How long does standard shipping take?")
	require.Equal(t, agent.Reply, res.Decision.Kind, res.Decision.Explanation)
}
