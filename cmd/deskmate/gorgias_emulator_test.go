package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
)

// lines hands what a command writes to the test, line by line.
type lines struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	each chan string
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line) // an unfinished line waits for the rest
			return len(p), nil
		}
		l.each <- strings.TrimRight(line, "\n")
	}
}

// field waits for the printed line starting with name and returns its value.
func (l *lines) field(t *testing.T, name string) string {
	t.Helper()
	for {
		select {
		case line := <-l.each:
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), name); ok {
				return strings.TrimSpace(v)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("the emulator printed no %q line", name)
		}
	}
}

func TestGorgiasEmulatorCommand(t *testing.T) {
	out := &lines{each: make(chan string, 100)}
	var errOut bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"gorgias-emulator", "--addr", "127.0.0.1:0", "--account", "globex",
			"--email", "ops@globex.example", "--api-key", "k3y", "--seed", "--rate-limit", "off"}, envMap(nil), out, &errOut)
	}()
	base := out.field(t, "base URL")
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), base)
	require.True(t, strings.HasSuffix(base, "/globex"), base)
	require.Equal(t, "ops@globex.example", out.field(t, "e-mail"))
	require.Equal(t, "k3y", out.field(t, "API key"))
	require.Equal(t, "off", out.field(t, "rate limits"))

	c, err := gorgias.New(gorgias.Options{BaseURL: base, Auth: gorgias.BasicAuth{Email: "ops@globex.example", APIKey: "k3y"}})
	require.NoError(t, err)
	tickets, err := c.AllTickets(context.Background(), gorgias.TicketListOptions{})
	require.NoError(t, err)
	require.Len(t, tickets, 1, "--seed adds a sample ticket")
	require.NotEmpty(t, tickets[0].Customer.ShopifyOrders())

	cancel()
	select {
	case code := <-exit:
		require.Equal(t, exitOK, code, errOut.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the emulator did not stop")
	}
}

func TestGorgiasEmulatorCommandRandomKeyAndBadFlags(t *testing.T) {
	out := &lines{each: make(chan string, 100)}
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"gorgias-emulator", "--addr", "127.0.0.1:0"}, envMap(nil), out, &bytes.Buffer{})
	}()
	require.Regexp(t, `^[0-9a-f]{32}$`, out.field(t, "API key"), "a random key unless one is given")
	require.Contains(t, out.field(t, "rate limits"), "on (40 calls per 20s")
	cancel()
	require.Equal(t, exitOK, <-exit)

	for _, args := range [][]string{
		{"--rate-limit", "maybe"},
		{"--account", "Not A Subdomain"},
		{"--nope"},
		{"extra"},
	} {
		var errOut bytes.Buffer
		code := run(context.Background(), append([]string{"gorgias-emulator"}, args...), envMap(nil), &bytes.Buffer{}, &errOut)
		require.Equal(t, exitUsage, code, args)
		require.NotEmpty(t, errOut.String())
	}
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"gorgias-emulator", "--addr", "256.0.0.1:99999"}, envMap(nil), &bytes.Buffer{}, &errOut)
	require.Equal(t, exitError, code)
	require.Contains(t, errOut.String(), "deskmate: gorgias-emulator:")
}
