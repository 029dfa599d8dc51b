package confine_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/confine"
)

func TestMain(m *testing.M) {
	confine.Main()
	m.Run()
}

// sink keeps what the hogs allocate alive.
var sink [][]byte

// The functions the tests run in children, registered in the child too.
func init() {
	confine.Register("test-echo", func(in []byte) ([]byte, error) { return bytes.ToUpper(in), nil })
	confine.Register("test-fail", func(in []byte) ([]byte, error) { return nil, errors.New("bad input: " + string(in)) })
	confine.Register("test-loop", func(in []byte) ([]byte, error) {
		//lint:ignore SA5002 an endless loop is what the sandbox must stop
		for {
		}
	})
	confine.Register("test-hog", func(in []byte) ([]byte, error) {
		for {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = 1
			}
			sink = append(sink, b)
		}
	})
	confine.Register("test-huge", func(in []byte) ([]byte, error) {
		b := make([]byte, 8<<30)
		b[len(b)-1] = 1
		sink = append(sink, b)
		return nil, nil
	})
	confine.Register("test-big-output", func(in []byte) ([]byte, error) { return make([]byte, 1<<20), nil })
	confine.Register("test-panic", func(in []byte) ([]byte, error) { panic("boom") })
}

func TestRunReturnsTheOutput(t *testing.T) {
	out, err := confine.Run(context.Background(), "test-echo", []byte("hello"), confine.Limits{})
	require.NoError(t, err)
	require.Equal(t, "HELLO", string(out))

	out, err = confine.Run(context.Background(), "test-echo", nil, confine.Limits{})
	require.NoError(t, err)
	require.Empty(t, out)
}

func TestRunReturnsTheFunctionsError(t *testing.T) {
	_, err := confine.Run(context.Background(), "test-fail", []byte("x"), confine.Limits{})
	var fe *confine.FuncError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "bad input: x", fe.Msg)
}

func TestRunKillsAChildThatTakesTooLong(t *testing.T) {
	_, err := confine.Run(context.Background(), "test-loop", nil, confine.Limits{Timeout: 300 * time.Millisecond})
	require.ErrorIs(t, err, confine.ErrTimeout)
	require.EqualError(t, err, "confined test-loop took longer than 300ms: time limit exceeded")
}

func TestRunStopsAChildOverItsMemoryLimit(t *testing.T) {
	for _, name := range []string{"test-hog", "test-huge"} {
		_, err := confine.Run(context.Background(), name, nil, confine.Limits{MemoryBytes: 64 << 20})
		require.ErrorIs(t, err, confine.ErrMemory, name)
		require.EqualError(t, err, "confined "+name+" used more than 64 MiB of memory: memory limit exceeded")
	}
}

func TestRunCapsTheOutput(t *testing.T) {
	_, err := confine.Run(context.Background(), "test-big-output", nil, confine.Limits{OutputBytes: 64 << 10})
	require.ErrorIs(t, err, confine.ErrOutputTooLarge)
	require.EqualError(t, err, "confined test-big-output wrote more than 64 KiB: output too large")

	out, err := confine.Run(context.Background(), "test-big-output", nil, confine.Limits{OutputBytes: 1 << 20})
	require.NoError(t, err)
	require.Len(t, out, 1<<20)
}

func TestRunReportsACrash(t *testing.T) {
	_, err := confine.Run(context.Background(), "test-panic", nil, confine.Limits{})
	require.ErrorIs(t, err, confine.ErrCrashed)
	require.ErrorContains(t, err, "panic: boom")
}

func TestRunRefusesAnUnknownName(t *testing.T) {
	_, err := confine.Run(context.Background(), "nope", nil, confine.Limits{})
	require.ErrorIs(t, err, confine.ErrUnknown)
	require.EqualError(t, err, `confine: no function registered as "nope": unknown function`)
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := confine.Run(ctx, "test-loop", nil, confine.Limits{})
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, confine.ErrTimeout)
}
