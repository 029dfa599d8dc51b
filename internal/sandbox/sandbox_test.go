package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/sandbox"
)

func TestMain(m *testing.M) {
	sandbox.Main()
	m.Run()
}

// sink keeps what the hogs allocate alive.
var sink [][]byte

// The functions the tests run in children, registered in the child too.
func init() {
	sandbox.Register("test-echo", func(in []byte) ([]byte, error) { return bytes.ToUpper(in), nil })
	sandbox.Register("test-fail", func(in []byte) ([]byte, error) { return nil, errors.New("bad input: " + string(in)) })
	sandbox.Register("test-loop", func(in []byte) ([]byte, error) {
		//lint:ignore SA5002 an endless loop is what the sandbox must stop
		for {
		}
	})
	sandbox.Register("test-hog", func(in []byte) ([]byte, error) {
		for {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = 1
			}
			sink = append(sink, b)
		}
	})
	sandbox.Register("test-huge", func(in []byte) ([]byte, error) {
		b := make([]byte, 8<<30)
		b[len(b)-1] = 1
		sink = append(sink, b)
		return nil, nil
	})
	sandbox.Register("test-big-output", func(in []byte) ([]byte, error) { return make([]byte, 1<<20), nil })
	sandbox.Register("test-panic", func(in []byte) ([]byte, error) { panic("boom") })
}

func TestRunReturnsTheOutput(t *testing.T) {
	out, err := sandbox.Run(context.Background(), "test-echo", []byte("hello"), sandbox.Limits{})
	require.NoError(t, err)
	require.Equal(t, "HELLO", string(out))

	out, err = sandbox.Run(context.Background(), "test-echo", nil, sandbox.Limits{})
	require.NoError(t, err)
	require.Empty(t, out)
}

func TestRunReturnsTheFunctionsError(t *testing.T) {
	_, err := sandbox.Run(context.Background(), "test-fail", []byte("x"), sandbox.Limits{})
	var fe *sandbox.FuncError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "bad input: x", fe.Msg)
}

func TestRunKillsAChildThatTakesTooLong(t *testing.T) {
	_, err := sandbox.Run(context.Background(), "test-loop", nil, sandbox.Limits{Timeout: 300 * time.Millisecond})
	require.ErrorIs(t, err, sandbox.ErrTimeout)
	require.EqualError(t, err, "sandbox test-loop took longer than 300ms: time limit exceeded")
}

func TestRunStopsAChildOverItsMemoryLimit(t *testing.T) {
	for _, name := range []string{"test-hog", "test-huge"} {
		_, err := sandbox.Run(context.Background(), name, nil, sandbox.Limits{MemoryBytes: 64 << 20})
		require.ErrorIs(t, err, sandbox.ErrMemory, name)
		require.EqualError(t, err, "sandbox "+name+" used more than 64 MiB of memory: memory limit exceeded")
	}
}

func TestRunCapsTheOutput(t *testing.T) {
	_, err := sandbox.Run(context.Background(), "test-big-output", nil, sandbox.Limits{OutputBytes: 64 << 10})
	require.ErrorIs(t, err, sandbox.ErrOutputTooLarge)
	require.EqualError(t, err, "sandbox test-big-output wrote more than 64 KiB: output too large")

	out, err := sandbox.Run(context.Background(), "test-big-output", nil, sandbox.Limits{OutputBytes: 1 << 20})
	require.NoError(t, err)
	require.Len(t, out, 1<<20)
}

func TestRunReportsACrash(t *testing.T) {
	_, err := sandbox.Run(context.Background(), "test-panic", nil, sandbox.Limits{})
	require.ErrorIs(t, err, sandbox.ErrCrashed)
	require.ErrorContains(t, err, "panic: boom")
}

func TestRunRefusesAnUnknownName(t *testing.T) {
	_, err := sandbox.Run(context.Background(), "nope", nil, sandbox.Limits{})
	require.ErrorIs(t, err, sandbox.ErrUnknown)
	require.EqualError(t, err, `sandbox: no function registered as "nope": unknown function`)
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := sandbox.Run(ctx, "test-loop", nil, sandbox.Limits{})
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, sandbox.ErrTimeout)
}
