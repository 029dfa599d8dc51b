// Command testreport reads `go test -json` on stdin and prints a compact
// report: one line per package, the full output of every failed test, every
// skipped test with its reason (nothing is skipped silently), build errors,
// and a closing line "go: N passed, N failed, N skipped". It exits 1 when
// anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
	Elapsed    float64
}

type report struct {
	out                     io.Writer
	passed, failed, skipped int
	pkgFailed               bool
	outputs                 map[string]*strings.Builder // package/test -> output
	skips                   []string
}

func main() {
	r := &report{out: os.Stdout, outputs: map[string]*strings.Builder{}}
	if err := r.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	if r.finish() {
		os.Exit(1)
	}
}

func (r *report) buf(key string) *strings.Builder {
	b, ok := r.outputs[key]
	if !ok {
		b = &strings.Builder{}
		r.outputs[key] = b
	}
	return b
}

func (r *report) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event (e.g. a build error printed by go itself).
			fmt.Fprintln(r.out, string(line))
			continue
		}
		r.handle(e)
	}
	return sc.Err()
}

func (r *report) handle(e event) {
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "build-output":
		fmt.Fprint(r.out, e.Output)
	case "build-fail":
		r.pkgFailed = true
	case "output":
		r.buf(key).WriteString(e.Output)
	case "pass", "fail", "skip":
		if e.Test == "" {
			r.packageDone(e)
			return
		}
		switch e.Action {
		case "pass":
			r.passed++
		case "fail":
			r.failed++
			fmt.Fprintf(r.out, "--- FAIL: %s (%s)\n%s", e.Test, e.Package, r.buf(key).String())
		case "skip":
			r.skipped++
			reason := strings.TrimSpace(lastLines(r.buf(key).String(), 2))
			r.skips = append(r.skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, reason))
		}
		delete(r.outputs, key)
	}
}

func (r *report) packageDone(e event) {
	key := e.Package + "\x00"
	out := r.buf(key).String()
	delete(r.outputs, key)
	switch e.Action {
	case "pass":
		if strings.Contains(out, "no test files") {
			return
		}
		fmt.Fprintf(r.out, "ok   %-60s %.1fs\n", e.Package, e.Elapsed)
	case "skip":
		// Package without tests.
	case "fail":
		r.pkgFailed = true
		fmt.Fprintf(r.out, "FAIL %-60s %.1fs\n", e.Package, e.Elapsed)
		if out != "" {
			fmt.Fprint(r.out, out)
		}
	}
}

// finish prints skips and the closing line; it reports whether anything failed.
func (r *report) finish() bool {
	sort.Strings(r.skips)
	for _, s := range r.skips {
		fmt.Fprintln(r.out, "SKIP", s)
	}
	fmt.Fprintf(r.out, "go: %d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skipped)
	return r.failed > 0 || r.pkgFailed
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " ")
}
