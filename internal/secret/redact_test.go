package secret

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHint(t *testing.T) {
	cases := map[string]string{
		"":                         "••••",
		"abc":                      "••••",
		"12345678901":              "••••",
		"123456789012":             "••••9012",
		"sk-live-0123456789abcdef": "••••cdef",
		// 12 runes but 24+ bytes: counts runes, keeps whole characters.
		"пароль-ключ1": "••••люч1",
		"ключключключ": "••••ключ",
		"🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑x": "••••🔑🔑🔑x",
		// 11 runes but many bytes: still fully masked.
		"ключключклю": "••••",
		"日本語日本語日本語日本": "••••",
	}
	for in, want := range cases {
		require.Equal(t, want, Hint(in), "Hint(%q)", in)
	}
}

type leakProbe struct {
	Name   string
	APIKey Redacted
	Ptr    *Redacted
}

func TestRedactedNeverShows(t *testing.T) {
	const value = "sk-live-SUPERSECRET-0123"
	r := Redacted(value)
	require.Equal(t, value, r.Reveal())

	probe := leakProbe{Name: "gorgias", APIKey: r, Ptr: &r}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10s"} {
		outputs = append(outputs, fmt.Sprintf(verb, r), fmt.Sprintf(verb, probe))
	}
	outputs = append(outputs,
		r.String(), r.GoString(), fmt.Sprint(r), fmt.Sprintln(r), fmt.Sprintf("%v", &probe),
		fmt.Sprintf("%v", []Redacted{r}), fmt.Sprintf("%v", map[string]Redacted{"k": r}),
	)
	for _, out := range outputs {
		require.NotContains(t, out, value)
		require.NotContains(t, out, "SUPERSECRET")
		require.Contains(t, out, "[redacted]")
	}
	require.Equal(t, "[redacted]", fmt.Sprintf("%v", r))
	require.Equal(t, "[redacted]", fmt.Sprintf("%#v", r))

	b, err := json.Marshal(r)
	require.NoError(t, err)
	require.Equal(t, `"[redacted]"`, string(b))
	b, err = json.Marshal(probe)
	require.NoError(t, err)
	require.NotContains(t, string(b), "SUPERSECRET")
	require.JSONEq(t, `{"Name":"gorgias","APIKey":"[redacted]","Ptr":"[redacted]"}`, string(b))
	b, err = json.Marshal(map[string]any{"k": r, "list": []Redacted{r}})
	require.NoError(t, err)
	require.NotContains(t, string(b), "SUPERSECRET")

	b, err = xml.Marshal(probe)
	require.NoError(t, err)
	require.NotContains(t, string(b), "SUPERSECRET")

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("connect", "api_key", r, "probe", probe, slog.Any("ptr", &r))
	log.Info("attr", slog.Any("api_key", r), slog.Group("g", "k", r))
	out := buf.String()
	require.NotContains(t, out, "SUPERSECRET")
	require.Contains(t, out, `"api_key":"[redacted]"`)

	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("connect", "api_key", r, "probe", probe)
	require.NotContains(t, buf.String(), "SUPERSECRET")
	require.Contains(t, buf.String(), "api_key=[redacted]")
}

func TestRedactedUnmarshalsFromJSON(t *testing.T) {
	// Request bodies can carry a secret into a Redacted field directly.
	var body struct {
		APIKey Redacted `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"api_key":"abc123"}`), &body))
	require.Equal(t, "abc123", body.APIKey.Reveal())
}
