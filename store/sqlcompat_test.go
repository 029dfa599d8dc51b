package store_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// versionRule is SQL whose meaning or availability differs across the
// PostgreSQL (15–18) and pgvector versions Deskmate supports.
type versionRule struct {
	name    string
	pattern *regexp.Regexp
	why     string
}

var versionRules = []versionRule{
	{"enum value added", regexp.MustCompile(`(?i)ALTER\s+TYPE\s+\S+\s+ADD\s+VALUE`),
		"before PostgreSQL 18 a new enum value cannot be used in the transaction that added it (SQLSTATE 55P04): use it in a later migration"},
	{"NULLS NOT DISTINCT", regexp.MustCompile(`(?i)NULLS\s+NOT\s+DISTINCT`), "PostgreSQL 15+"},
	{"MERGE", regexp.MustCompile(`(?i)\bMERGE\s+INTO\b`), "MERGE is 15+, but MERGE … RETURNING and WHEN NOT MATCHED BY SOURCE are 17+"},
	{"SQL/JSON query functions", regexp.MustCompile(`(?i)\bJSON_(TABLE|QUERY|VALUE|EXISTS)\s*\(`), "PostgreSQL 17+"},
	{"SQL/JSON constructors and IS JSON", regexp.MustCompile(`(?i)\bJSON_(ARRAY|OBJECT|ARRAYAGG|OBJECTAGG)\s*\(|\bIS\s+(NOT\s+)?JSON\b`), "PostgreSQL 16+"},
	{"uuidv7 / uuidv4", regexp.MustCompile(`(?i)\buuidv[47]\s*\(`), "PostgreSQL 18+ (gen_random_uuid() works everywhere)"},
	{"virtual generated column", regexp.MustCompile(`(?i)\)\s*VIRTUAL\b`), "PostgreSQL 18+ (STORED works everywhere)"},
	{"OLD/NEW in RETURNING", regexp.MustCompile("(?i)RETURNING[^;`\n]*[\\s,(](OLD|NEW)\\.\\w"), "PostgreSQL 18+"},
	{"WITHOUT OVERLAPS", regexp.MustCompile(`(?i)WITHOUT\s+OVERLAPS`), "PostgreSQL 18+"},
	{"any_value", regexp.MustCompile(`(?i)\bANY_VALUE\s*\(`), "PostgreSQL 16+"},
	{"random(min, max)", regexp.MustCompile(`(?i)\brandom\s*\(\s*[^)\s]`), "PostgreSQL 17+"},
	{"COPY ON_ERROR", regexp.MustCompile(`(?i)\bON_ERROR\b`), "PostgreSQL 17+"},
	{"casefold / array_sort / array_reverse", regexp.MustCompile(`(?i)\b(casefold|array_sort|array_reverse)\s*\(`), "PostgreSQL 18+"},
	{"halfvec", regexp.MustCompile(`(?i)\bhalfvec\b`), "pgvector 0.7+"},
	{"HNSW iterative scans", regexp.MustCompile(`(?i)hnsw\.iterative_scan`), "pgvector 0.8+ (an unknown hnsw.* setting is an error once the extension is loaded)"},
}

// versionNotes lists every place (file: rule) that uses version-dependent
// SQL, with why it is fine on every supported version. A new use fails the
// test until it is checked on PostgreSQL 15 and noted here.
var versionNotes = map[string]string{
	"store/knowledge_embeddings.go: halfvec":          "pgvector 0.8 is required (store.MinVectorVersion, checked by Migrate and SchemaStatus)",
	"store/knowledge_search.go: halfvec":              "as above",
	"store/knowledge_search.go: HNSW iterative scans": "as above",
	"store/migrate.go: halfvec":                       "the comment on MinVectorVersion",
}

func TestVersionDependentSQLIsNoted(t *testing.T) {
	var files []string
	for _, glob := range []string{"../migrations/*.sql", "*.go"} {
		m, err := filepath.Glob(glob)
		require.NoError(t, err)
		files = append(files, m...)
	}
	found := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		name := "store/" + filepath.Base(f)
		if strings.HasPrefix(f, "../") {
			name = strings.TrimPrefix(f, "../")
		}
		for _, r := range versionRules {
			if r.pattern.Match(b) {
				found[name+": "+r.name] = true
			}
		}
	}
	var missing, stale []string
	for k := range found {
		if versionNotes[k] == "" {
			rule := k[strings.Index(k, ": ")+2:]
			for _, r := range versionRules {
				if r.name == rule {
					missing = append(missing, k+" ("+r.why+")")
				}
			}
		}
	}
	for k := range versionNotes {
		if !found[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	require.Empty(t, missing, "version-dependent SQL without a note: check it on PostgreSQL 15 and add it to versionNotes")
	require.Empty(t, stale, "versionNotes entries that no longer match anything: remove them")
}

// Each rule catches what it names, and not ordinary SQL.
func TestVersionRulesMatch(t *testing.T) {
	examples := map[string]string{
		"enum value added":                      "ALTER TYPE river_job_state ADD VALUE 'pending'",
		"NULLS NOT DISTINCT":                    "UNIQUE NULLS NOT DISTINCT (a, b)",
		"MERGE":                                 "MERGE INTO t USING s ON t.id = s.id",
		"SQL/JSON query functions":              "SELECT * FROM JSON_TABLE(doc, '$[*]' COLUMNS (a int))",
		"SQL/JSON constructors and IS JSON":     "SELECT body IS JSON FROM t",
		"uuidv7 / uuidv4":                       "DEFAULT uuidv7()",
		"virtual generated column":              "total int GENERATED ALWAYS AS (a + b) VIRTUAL",
		"OLD/NEW in RETURNING":                  "UPDATE t SET a = 1 RETURNING old.a, new.a",
		"WITHOUT OVERLAPS":                      "PRIMARY KEY (id, valid WITHOUT OVERLAPS)",
		"any_value":                             "SELECT any_value(name) FROM t GROUP BY k",
		"random(min, max)":                      "SELECT random(1, 10)",
		"COPY ON_ERROR":                         "COPY t FROM STDIN (ON_ERROR ignore)",
		"casefold / array_sort / array_reverse": "SELECT array_sort(tags)",
		"halfvec":                               "embedding::halfvec(3000)",
		"HNSW iterative scans":                  "SET hnsw.iterative_scan = relaxed_order",
	}
	ordinary := "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = EXCLUDED.a RETURNING id, random() > 0.5, gen_random_uuid()"
	require.Len(t, examples, len(versionRules))
	for _, r := range versionRules {
		require.True(t, r.pattern.MatchString(examples[r.name]), "%s must match %q", r.name, examples[r.name])
		require.False(t, r.pattern.MatchString(ordinary), "%s must not match ordinary SQL", r.name)
	}
}
