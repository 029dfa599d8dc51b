package llm

import (
	"fmt"
	"unicode"
)

// Token estimates. Providers count with their own tokenizers; Deskmate only
// needs to know, before sending, whether a conversation fits the context
// window, so the estimate leans high rather than low.
const (
	// messageOverhead is what a message costs besides its text: role and
	// separator tokens of the chat template.
	messageOverhead = 4
	// replyOverhead primes the answer ("<|start|>assistant").
	replyOverhead = 3
)

// EstimateTokens estimates how many tokens text takes without a tokenizer: a
// quarter of a token per ASCII byte (English averages about four characters
// a token), half a token per other letter or sign (accented Latin, Cyrillic,
// Greek, Arabic take about two characters a token) and one per Han, kana,
// Hangul or Thai character, rounded up.
func EstimateTokens(text string) int {
	quarters := 0
	for _, r := range text {
		switch {
		case r < 0x80:
			quarters++
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai):
			quarters += 4
		default:
			quarters += 2
		}
	}
	return (quarters + 3) / 4
}

// messageTokens estimates a message with its template overhead.
func messageTokens(content string) int { return EstimateTokens(content) + messageOverhead }

// fitContext keeps the system text, the last message and as many of the
// messages before it as fit in contextTokens minus maxTokens, dropping the
// oldest first. When it drops any, it also drops assistant messages left at
// the start, since some chat templates want a user turn first. It returns the
// kept messages, how many were dropped and the estimated input tokens.
func fitContext(system string, msgs []ChatMessage, contextTokens, maxTokens int) ([]ChatMessage, int, int, error) {
	budget := contextTokens - maxTokens
	if budget <= 0 {
		return nil, 0, 0, fmt.Errorf("an answer of %d tokens leaves no room for the conversation in a context of %d tokens", maxTokens, contextTokens)
	}
	last := len(msgs) - 1
	used := replyOverhead + messageTokens(msgs[last].Content)
	if system != "" {
		used += messageTokens(system)
	}
	if used > budget {
		return nil, 0, 0, fmt.Errorf("the instructions and the current message take about %d tokens, more than the %d a context of %d tokens leaves beside an answer of %d",
			used, budget, contextTokens, maxTokens)
	}
	start := last
	for start > 0 {
		t := messageTokens(msgs[start-1].Content)
		if used+t > budget {
			break
		}
		used += t
		start--
	}
	if start > 0 {
		for start < last && msgs[start].Role == RoleAssistant {
			used -= messageTokens(msgs[start].Content)
			start++
		}
	}
	return msgs[start:], start, used, nil
}
