package intent

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Labeled is one message of an evaluation file: Intent is empty for a
// message that matches no intent (out of scope).
type Labeled struct {
	Text   string
	Intent string
}

// ReadJSONL reads messages, one JSON object a line:
// {"text": "...", "intent": "name"} or {"text": "...", "intent": null}.
// Blank lines are skipped; any other malformed line is an error naming the
// source and the line number.
func ReadJSONL(r io.Reader, name string) ([]Labeled, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var out []Labeled
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var row struct {
			Text   *string `json:"text"`
			Intent *string `json:"intent"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("%s:%d: malformed line: %v", name, line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s:%d: malformed line: more than one JSON value", name, line)
		}
		if row.Text == nil {
			return nil, fmt.Errorf(`%s:%d: malformed line: missing "text"`, name, line)
		}
		l := Labeled{Text: *row.Text}
		if row.Intent != nil {
			if *row.Intent == "" {
				return nil, fmt.Errorf(`%s:%d: empty "intent" (use null for a message that matches no intent)`, name, line)
			}
			l.Intent = *row.Intent
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// ReadJSONLFile reads a JSONL file of messages (see ReadJSONL).
func ReadJSONLFile(path string) ([]Labeled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadJSONL(f, path)
}

// FirstK keeps the first k messages of each intent, in order (k <= 0: all).
// Messages without an intent are dropped: they cannot teach an intent.
func FirstK(rows []Labeled, k int) []Example {
	seen := map[string]int{}
	var out []Example
	for _, r := range rows {
		if r.Intent == "" {
			continue
		}
		if k > 0 && seen[r.Intent] >= k {
			continue
		}
		seen[r.Intent]++
		out = append(out, Example(r))
	}
	return out
}
