package lang

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"empty", "", nil},
		{"white space only", " \n\t\n ", nil},
		{"no stop at the end", "  where is my order  ", []string{"where is my order"}},
		{"stops", "My order is late. Where is it? Please help! Thanks",
			[]string{"My order is late.", "Where is it?", "Please help!", "Thanks"}},
		{"lower-case sentences", "my order is late. can you check?", []string{"my order is late.", "can you check?"}},
		{"repeated stops", "Really?! It has been two weeks!!! Ok.", []string{"Really?!", "It has been two weeks!!!", "Ok."}},
		{"closing quote", `The note said "returns within 30 days." I sent it back.`,
			[]string{`The note said "returns within 30 days."`, "I sent it back."}},
		{"abbreviations", "Use a card, e.g. Visa or Mastercard, i.e. not cash. Mr. Smith and Dr. Jones agree.",
			[]string{"Use a card, e.g. Visa or Mastercard, i.e. not cash.", "Mr. Smith and Dr. Jones agree."}},
		{"etc. mid-sentence and at the end", "Shirts, jackets etc. are free to return. Shoes, bags etc. Those cost 5 EUR.",
			[]string{"Shirts, jackets etc. are free to return.", "Shoes, bags etc.", "Those cost 5 EUR."}},
		{"No. before a number", "Please check order No. 5 and invoice nr. 77. The answer is no. Sorry.",
			[]string{"Please check order No. 5 and invoice nr. 77.", "The answer is no.", "Sorry."}},
		{"decimals and prices", "The jacket weighs 1.5 kg and costs 49.90. Shipping is 4.5 EUR.",
			[]string{"The jacket weighs 1.5 kg and costs 49.90.", "Shipping is 4.5 EUR."}},
		{"URLs", "See https://shop.example.com/help/returns.html?lang=en&x=1. Then print the label.",
			[]string{"See https://shop.example.com/help/returns.html?lang=en&x=1.", "Then print the label."}},
		{"e-mail addresses", "Write to jane.doe@shop.example.co.uk. We answer within a day.",
			[]string{"Write to jane.doe@shop.example.co.uk.", "We answer within a day."}},
		{"order numbers", "Order #1001 has not arrived. Can you check #1001.2 too? Thanks.",
			[]string{"Order #1001 has not arrived.", "Can you check #1001.2 too?", "Thanks."}},
		{"times and dotted abbreviations", "We open at 9 a.m. on weekdays. Shipping to the U.S. Takes a week.",
			[]string{"We open at 9 a.m. on weekdays.", "Shipping to the U.S.", "Takes a week."}},
		{"ellipsis", "Well... maybe not. I waited… Nothing came.",
			[]string{"Well... maybe not.", "I waited…", "Nothing came."}},
		{"paragraphs", "Hi Anna,\n\nthanks for your help.\n\nBest regards\nTom",
			[]string{"Hi Anna,", "thanks for your help.", "Best regards", "Tom"}},
		{"hard-wrapped lines", "I ordered the blue jacket last week and\nit still has not arrived.\r\nCan you check?",
			[]string{"I ordered the blue jacket last week and it still has not arrived.", "Can you check?"}},
		{"list items", "To return an item:\n- print the label\n- pack the item\n• drop it at the post office",
			[]string{"To return an item:", "print the label", "pack the item", "drop it at the post office"}},
		{"numbered list", "1. Open Settings. 2. Click Orders.\n3. Choose the order",
			[]string{"1. Open Settings.", "2. Click Orders.", "3. Choose the order"}},
		{"chinese", "你好！我的订单在哪里？谢谢。", []string{"你好！", "我的订单在哪里？", "谢谢。"}},
		{"japanese with ASCII stops", "ありがとうございます!注文はどこですか?", []string{"ありがとうございます!", "注文はどこですか?"}},
		{"arabic", "أين طلبي؟ شكراً لكم.", []string{"أين طلبي؟", "شكراً لكم."}},
		{"urdu", "میرا آرڈر کہاں ہے؟ شکریہ۔ جلدی بتائیں", []string{"میرا آرڈر کہاں ہے؟", "شکریہ۔", "جلدی بتائیں"}},
		{"hindi", "मेरा ऑर्डर कहाँ है। धन्यवाद।", []string{"मेरा ऑर्डर कहाँ है।", "धन्यवाद।"}},
		{"spanish marks", "¿Dónde está mi pedido? ¡Gracias! Sr. García lo pidió.",
			[]string{"¿Dónde está mi pedido?", "¡Gracias!", "Sr. García lo pidió."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Sentences(tc.text))
		})
	}
}
