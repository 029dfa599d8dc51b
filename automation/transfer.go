package automation

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Portable is an automation as exported and imported in JSON.
type Portable struct {
	Name       string   `json:"name"`
	Phrases    []string `json:"phrases"`
	Response   string   `json:"response"`
	Tags       []string `json:"tags"`
	PostAction string   `json:"post_action"`
	Channels   []string `json:"channels"`
	Language   string   `json:"language"`
	Guidance   string   `json:"guidance"`
	Active     bool     `json:"active"`
}

// ToPortable drops the ids and times of an automation.
func ToPortable(a store.Automation) Portable {
	return Portable{Name: a.Name, Phrases: a.Phrases, Response: a.Response, Tags: a.Tags, PostAction: a.PostAction,
		Channels: a.Channels, Language: a.Language, Guidance: a.Guidance, Active: a.Active}
}

// ImportItem is one automation to create or update (matched by name), and
// where it came from for error messages ("line 14", "automations[2]").
type ImportItem struct {
	Where string
	Input Input
	// activateIfReady makes a new automation active when it has enough phrases
	// (CSV files have no active column).
	activateIfReady bool
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// JSONItems turns decoded JSON automations into import items.
func JSONItems(in []Input) []ImportItem {
	out := make([]ImportItem, len(in))
	for i, a := range in {
		out[i] = ImportItem{Where: fmt.Sprintf("automations[%d]", i), Input: a}
	}
	return out
}

// CSVHeader is the column order of exported CSV files.
var CSVHeader = []string{"automation", "phrase", "response", "tags"}

// TagSeparator separates tags inside the CSV tags column.
const TagSeparator = "|"

// ExportCSV writes one row per learning phrase (automations without phrases
// have no row: JSON is the complete format).
func ExportCSV(w io.Writer, automations []store.Automation) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, a := range automations {
		for _, p := range a.Phrases {
			row := []string{a.Name, p, a.Response, strings.Join(a.Tags, TagSeparator)}
			for i := range row {
				row[i] = csvSafe(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStart are the first characters that make a spreadsheet read a cell
// as a formula (=HYPERLINK(...), +cmd, -2+3, @SUM, and tab or carriage
// return before one of them).
const formulaStart = "=+-@\t\r"

// csvSafe makes a cell plain text for spreadsheets: a cell starting like a
// formula gets a leading apostrophe, which ParseCSV removes again.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsRune(formulaStart, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// csvUnsafe undoes csvSafe on an imported cell.
func csvUnsafe(cell string) string {
	if len(cell) >= 2 && cell[0] == '\'' && strings.ContainsRune(formulaStart, rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// ParseCSV reads automations from a CSV file with the columns automation,
// phrase and response (any order, header required) and optionally tags.
// Rows of one automation are grouped; errors name the line.
func ParseCSV(data []byte) ([]ImportItem, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	col, err := readCSVHeader(r)
	if err != nil {
		return nil, err
	}
	groups, err := readCSVRows(r, col)
	if err != nil {
		return nil, err
	}
	out := make([]ImportItem, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.importItem())
	}
	return out, nil
}

// csvColumns maps a column name of the header to its index.
type csvColumns map[string]int

// field is the cell of a column in rec, trimmed and without csvSafe's
// apostrophe, or "" when the row is too short or has no such column.
func (c csvColumns) field(rec []string, name string) string {
	if i, ok := c[name]; ok && i < len(rec) {
		return csvUnsafe(strings.TrimSpace(rec[i]))
	}
	return ""
}

// readCSVHeader reads the first line, which must name the columns
// automation, phrase and response, and may name tags.
func readCSVHeader(r *csv.Reader) (csvColumns, error) {
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, validate.Field("file", "the file is empty: the first line must be the header automation,phrase,response")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := csvColumns{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch h {
		case "automation", "phrase", "response", "tags":
			col[h] = i
		default:
			return nil, validate.Field("file", fmt.Sprintf("line 1: unknown column %q: use automation, phrase, response and optionally tags", h))
		}
	}
	for _, need := range []string{"automation", "phrase", "response"} {
		if _, ok := col[need]; !ok {
			return nil, validate.Field("file", fmt.Sprintf("line 1: missing column %q: the header must name automation, phrase and response", need))
		}
	}
	return col, nil
}

// csvGroup gathers the rows of one automation.
type csvGroup struct {
	item         ImportItem
	name         string
	phrases      []string
	response     string
	responseLine int
	tags         []string
}

// readCSVRows groups the rows after the header by automation name
// (case-insensitively, in order of first appearance). Problems in the rows
// are reported together, up to about 20.
func readCSVRows(r *csv.Reader, col csvColumns) ([]*csvGroup, error) {
	var groups []*csvGroup
	byName := map[string]*csvGroup{}
	var problems []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if strings.Join(rec, "") == "" {
			continue
		}
		name, phrase, response := col.field(rec, "automation"), col.field(rec, "phrase"), col.field(rec, "response")
		switch {
		case name == "":
			problems = append(problems, fmt.Sprintf("line %d: automation is empty", line))
			continue
		case phrase == "":
			problems = append(problems, fmt.Sprintf("line %d: phrase is empty", line))
			continue
		}
		g := byName[strings.ToLower(name)]
		if g == nil {
			g = &csvGroup{name: name, item: ImportItem{Where: fmt.Sprintf("line %d: automation %q", line, name), activateIfReady: true}}
			byName[strings.ToLower(name)] = g
			groups = append(groups, g)
		}
		if problem := g.add(csvRow{line: line, name: name, phrase: phrase, response: response, tags: col.field(rec, "tags")}); problem != "" {
			problems = append(problems, problem)
		}
		if len(problems) >= 20 {
			break
		}
	}
	if len(problems) > 0 {
		return nil, validate.Field("file", strings.Join(problems, "; "))
	}
	return groups, nil
}

// csvRow is one row of an automation, its cells trimmed.
type csvRow struct {
	line                         int
	name, phrase, response, tags string
}

// add merges a row into the group: its phrase, its response (which must
// agree with an earlier one) and its tags. It returns the problem, if any.
func (g *csvGroup) add(row csvRow) (problem string) {
	g.phrases = append(g.phrases, row.phrase)
	if row.response != "" {
		if g.response != "" && g.response != row.response {
			problem = fmt.Sprintf("line %d: response differs from the one on line %d for automation %q",
				row.line, g.responseLine, row.name)
		} else if g.response == "" {
			g.response, g.responseLine = row.response, row.line
		}
	}
	for _, t := range strings.Split(row.tags, TagSeparator) {
		if t = strings.TrimSpace(t); t != "" && !slices.ContainsFunc(g.tags, func(have string) bool { return strings.EqualFold(have, t) }) {
			g.tags = append(g.tags, t)
		}
	}
	return problem
}

// importItem is the group as an item to import.
func (g *csvGroup) importItem() ImportItem {
	g.item.Input.Name = &g.name
	g.item.Input.Phrases = &g.phrases
	if g.response != "" {
		g.item.Input.Response = &g.response
	}
	if len(g.tags) > 0 {
		g.item.Input.Tags = &g.tags
	}
	return g.item
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return validate.Field("file", fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
	}
	return validate.Field("file", err.Error())
}

// Import creates or updates (by name, case-insensitively) every item in one
// transaction: all of them or none (editors).
func (s *Service) Import(ctx context.Context, actor account.Actor, format string, items []ImportItem) (ImportResult, error) {
	var res ImportResult
	if err := actor.Require(account.RoleEditor); err != nil {
		return res, err
	}
	if len(items) == 0 {
		return res, validate.Field("file", "has no automations")
	}
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.LockWorkspace(ctx, tx, actor.WorkspaceID); err != nil {
			return err
		}
		existing, err := store.Automations(ctx, tx, actor.WorkspaceID, false)
		if err != nil {
			return err
		}
		byName := map[string]store.Automation{}
		for _, a := range existing {
			byName[strings.ToLower(a.Name)] = a
		}
		seen := map[string]string{}
		var problems []string
		var creates, updates []store.Automation
		for _, it := range items {
			if it.Input.Name == nil {
				problems = append(problems, it.Where+": name is required")
				continue
			}
			key := strings.ToLower(strings.TrimSpace(*it.Input.Name))
			if prev, ok := seen[key]; ok {
				problems = append(problems, fmt.Sprintf("%s: the name %q is also used by %s", it.Where, *it.Input.Name, prev))
				continue
			}
			seen[key] = it.Where
			old, update := byName[key]
			a := old
			if !update {
				a = newAutomation(actor.WorkspaceID)
			}
			v := validate.Errors{}
			apply(&a, it.Input, v)
			if !update && it.activateIfReady && it.Input.Active == nil && len(a.Phrases) >= MinActivePhrases {
				a.Active = true
			}
			if err := v.Err(); err != nil {
				problems = append(problems, it.Where+": "+err.Error())
				continue
			}
			if update {
				updates = append(updates, a)
			} else {
				creates = append(creates, a)
			}
		}
		if len(problems) > 0 {
			return validate.Field("file", strings.Join(problems, "; "))
		}
		if err := store.CheckLimit(ctx, tx, store.LimitAutomations, actor.WorkspaceID, len(creates)); err != nil {
			return err
		}
		for _, a := range creates {
			if _, err := store.CreateAutomation(ctx, tx, a); err != nil {
				return nameTaken(err, a.Name)
			}
		}
		for _, a := range updates {
			if _, err := store.UpdateAutomation(ctx, tx, a); err != nil {
				return nameTaken(err, a.Name)
			}
		}
		res = ImportResult{Created: len(creates), Updated: len(updates)}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "automation.import", format,
			map[string]any{"created": res.Created, "updated": res.Updated})
	})
	return res, err
}
