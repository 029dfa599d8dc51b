package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sample = `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestOK"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"p/a","Test":"TestOK","Elapsed":0.01}
{"Action":"output","Package":"p/a","Test":"TestBad","Output":"    a_test.go:9: want 1, got 2\n"}
{"Action":"fail","Package":"p/a","Test":"TestBad","Elapsed":0.01}
{"Action":"output","Package":"p/a","Test":"TestLater","Output":"    a_test.go:20: needs a GPU\n"}
{"Action":"skip","Package":"p/a","Test":"TestLater","Elapsed":0}
{"Action":"fail","Package":"p/a","Elapsed":1.5}
{"ImportPath":"p/b","Action":"build-output","Output":"b.go:3:1: syntax error\n"}
{"ImportPath":"p/b","Action":"build-fail"}
{"Action":"output","Package":"p/c","Output":"?   \tp/c\t[no test files]\n"}
{"Action":"skip","Package":"p/c","Elapsed":0}
`

func TestReport(t *testing.T) {
	var out bytes.Buffer
	r := &report{out: &out, outputs: map[string]*strings.Builder{}}
	require.NoError(t, r.read(strings.NewReader(sample)))
	failed := r.finish()
	require.True(t, failed)
	s := out.String()
	require.Contains(t, s, "--- FAIL: TestBad (p/a)\n    a_test.go:9: want 1, got 2\n")
	require.Contains(t, s, "FAIL p/a")
	require.Contains(t, s, "b.go:3:1: syntax error")
	require.Contains(t, s, "SKIP p/a TestLater: a_test.go:20: needs a GPU")
	require.NotContains(t, s, "p/c")
	require.True(t, strings.HasSuffix(s, "go: 1 passed, 1 failed, 1 skipped\n"), s)
}

func TestReportAllPassed(t *testing.T) {
	var out bytes.Buffer
	r := &report{out: &out, outputs: map[string]*strings.Builder{}}
	require.NoError(t, r.read(strings.NewReader(`{"Action":"pass","Package":"p/a","Test":"T"}
{"Action":"pass","Package":"p/a","Elapsed":0.2}
`)))
	require.False(t, r.finish())
	require.Contains(t, out.String(), "ok   p/a")
}
