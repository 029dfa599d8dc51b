package lang

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDetectAccuracy(t *testing.T) {
	require.ElementsMatch(t, Supported(), keys(supportMessages), "every supported language has support messages")
	var right, total int
	var report []string
	for _, code := range Supported() {
		msgs := append(append([]string(nil), supportMessages[code]...), moreMessages[code]...)
		n, nSupport := 0, 0
		for i, msg := range msgs {
			got, conf := Detect(msg)
			require.True(t, conf >= 0 && conf <= 1, "%q: confidence %v", msg, conf)
			if got != code {
				t.Logf("%s: %q detected as %q (%.2f)", code, msg, got, conf)
				continue
			}
			n++
			if i < len(supportMessages[code]) {
				nSupport++
			}
		}
		require.GreaterOrEqual(t, nSupport, 6, "%s: %d of %d support messages right", code, nSupport, len(supportMessages[code]))
		require.GreaterOrEqual(t, float64(n)/float64(len(msgs)), 0.8, "%s: %d of %d right", code, n, len(msgs))
		right += n
		total += len(msgs)
		report = append(report, fmt.Sprintf("%s %d/%d", code, n, len(msgs)))
	}
	t.Logf("%d/%d right (%.1f%%): %s", right, total, 100*float64(right)/float64(total), strings.Join(report, ", "))
	require.GreaterOrEqual(t, float64(right)/float64(total), 0.95)
}

func TestDetectShortMessages(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"thanks a lot", "en"}, {"muchas gracias", "es"}, {"muito obrigado", "pt"}, {"merci beaucoup", "fr"},
		{"grazie mille", "it"}, {"vielen Dank", "de"}, {"heel erg bedankt", "nl"}, {"tack så mycket", "sv"},
		{"mange tak", "da"}, {"tusen takk", "no"}, {"kiitos paljon", "fi"}, {"dziękuję bardzo", "pl"},
		{"děkuji moc", "cs"}, {"mulțumesc frumos", "ro"}, {"köszönöm szépen", "hu"}, {"çok teşekkürler", "tr"},
		{"terima kasih", "id"}, {"cảm ơn nhiều", "vi"}, {"большое спасибо", "ru"}, {"щиро дякую", "uk"},
		{"много благодаря", "bg"}, {"شكرا جزيلا", "ar"}, {"خیلی ممنون", "fa"}, {"بہت شکریہ", "ur"},
		{"where's my parcel", "en"}, {"wo bleibt mein Paket", "de"}, {"où est mon colis", "fr"}, {"gdzie paczka", "pl"},
	} {
		got, conf := Detect(tc.text)
		require.Equal(t, tc.want, got, tc.text)
		require.Greater(t, conf, 0.0, tc.text)
	}
	// Fewer words leave less certainty than a whole message in the same language.
	_, short := Detect("Danke")
	_, long := Detect("Hallo, mein Paket ist immer noch nicht angekommen. Können Sie bitte nachsehen, wo es bleibt?")
	require.Less(t, short, long)
	require.Greater(t, long, 0.8)
}

func TestDetectAmbiguous(t *testing.T) {
	// Words Danish and Norwegian spell alike, or German and Dutch: a guess,
	// with (almost) no confidence.
	for _, text := range []string{"hvor er min ordre?", "Hallo", "tak"} {
		_, conf := Detect(text)
		require.Less(t, conf, 0.1, text)
	}
}

func TestDetectMixed(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		maxConf    float64
	}{
		{"Hello 你好，我的订单在哪里", "zh", 1}, // Han outweighs one Latin word
		{"iPhone 15 的电池有问题", "zh", 1}, // a product name in Chinese text
		{"Amazonで買ったジャケット", "ja", 1},  // kana make it Japanese
		{"注文の状況を教えてください", "ja", 1},    // kanji with kana
		{"我的订单号是 #1001", "zh", 1},     // digits are no letters
		{"Мой заказ iPhone 15 Pro не пришёл", "ru", 1},
		{"Hola, I need help with my order por favor", "en", 0.7},
		{"Bonjour, where is my order? Merci beaucoup", "", 0.3}, // French and English: unsure
		{"Спасибо, thank you, danke", "", 0.5},
	} {
		got, conf := Detect(tc.text)
		if tc.want != "" {
			require.Equal(t, tc.want, got, tc.text)
		}
		require.LessOrEqual(t, conf, tc.maxConf, tc.text)
	}
	// A foreign word in a message lowers the confidence.
	_, pure := Detect("我的订单在哪里")
	_, mixed := Detect("Hello, 我的订单在哪里")
	require.Less(t, mixed, pure)
}

func TestDetectNoLetters(t *testing.T) {
	for _, text := range []string{"", "   \n\t", "1234 !!", "#1001 - 49.90 €", "🙂👍", "--- ... ???", "xkcd"} {
		code, conf := Detect(text)
		require.Equal(t, "", code, text)
		require.Zero(t, conf, text)
	}
	// Letters of a script Detect does not know (Ethiopic).
	code, conf := Detect("ሰላም እንዴት ነህ")
	require.Equal(t, "", code)
	require.Zero(t, conf)
	// A script with no evidence of which of its languages: the most common.
	code, conf = Detect("Хм")
	require.Equal(t, "ru", code)
	require.Less(t, conf, 0.2)
}

func TestNameAndSupported(t *testing.T) {
	codes := Supported()
	require.True(t, sort.StringsAreSorted(codes))
	require.GreaterOrEqual(t, len(codes), 28)
	for _, c := range codes {
		require.NotEmpty(t, Name(c), c)
	}
	codes[0] = "xx" // a copy: the caller may change it
	require.NotEqual(t, "xx", Supported()[0])
	require.Equal(t, "French", Name("fr"))
	require.Equal(t, "Portuguese", Name("pt-BR"))
	require.Equal(t, "Chinese", Name("zh_TW"))
	require.Equal(t, "Norwegian", Name("nb"))
	require.Equal(t, "Norwegian", Name("NO"))
	require.Equal(t, "", Name("xx"))
	require.Equal(t, "", Name(""))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// benchMessage is a customer message of 200 characters.
const benchMessage = "Hallo, ich habe letzte Woche eine Jacke bestellt, aber das Paket ist immer noch nicht angekommen. " +
	"Die Sendungsverfolgung zeigt seit Tagen nichts Neues. Können Sie bitte nachsehen, wo es bleibt? Danke!"

func BenchmarkDetect(b *testing.B) {
	for b.Loop() {
		Detect(benchMessage)
	}
}
