package archtest

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/deskmate/deskmate"

// domain packages hold Deskmate's rules; they know nothing of HTTP, jobs or
// the command. Subpackages (knowledge/parser) count as their parent.
var domain = []string{"account", "workspace", "automation", "knowledge", "intent", "llm", "lang", "agent", "gorgias", "connector", "sandbox"}

// imports returns each Deskmate package's Deskmate imports (tests excluded).
func imports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		graph[pkg] = nil
		for _, imp := range f[1:] {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				graph[pkg] = append(graph[pkg], strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"))
			} else if imp == "github.com/gofiber/fiber/v2" || strings.HasPrefix(imp, "github.com/gofiber/") {
				graph[pkg] = append(graph[pkg], "fiber")
			}
		}
	}
	return graph
}

// top is the package's first path element ("knowledge/parser" → "knowledge").
func top(pkg string) string { return strings.SplitN(pkg, "/", 2)[0] }

func isDomain(pkg string) bool {
	for _, d := range domain {
		if top(pkg) == d {
			return true
		}
	}
	return false
}

// The dependency rules of docs/architecture.md: data flows one way, from
// cmd (which wires) through server and jobs to the domain packages, to store.
func TestPackageDependenciesFlowOneWay(t *testing.T) {
	graph := imports(t)
	if len(graph) < 10 {
		t.Fatalf("go list found only %d packages", len(graph))
	}
	var broken []string
	for pkg, deps := range graph {
		for _, dep := range deps {
			var why string
			switch {
			case top(dep) == "cmd":
				why = "nothing imports a command"
			case dep == "server" && top(pkg) != "cmd":
				why = "only cmd imports server"
			case dep == "fiber" && pkg != "server":
				why = "fiber stays in server"
			case top(pkg) == "store" && (isDomain(dep) || dep == "server" || dep == "jobs" || top(dep) == "internal" && dep != "internal/validate"):
				why = "store imports no domain package, server, jobs or infrastructure above it"
			case isDomain(pkg) && (dep == "server" || dep == "jobs" || top(dep) == "web"):
				why = "domain packages import neither server nor jobs"
			case top(pkg) == "internal" && (isDomain(dep) || dep == "server" || dep == "jobs" || top(dep) == "web"):
				why = "internal/ is infrastructure: it imports no domain package, server or jobs"
			case top(pkg) == "gorgias" && (dep == "store" || dep == "server"):
				why = "gorgias is a pure API client: no database, no HTTP server"
			case top(pkg) == "llm" && (dep == "store" || isDomain(dep) && top(dep) != "llm" && dep != "lang"):
				why = "llm holds providers only"
			}
			if why != "" {
				broken = append(broken, pkg+" → "+dep+": "+why)
			}
		}
	}
	sort.Strings(broken)
	if len(broken) > 0 {
		t.Fatalf("package dependency rules broken:\n  %s", strings.Join(broken, "\n  "))
	}
}

// The rules themselves catch what they name.
func TestDependencyRulesCatchViolations(t *testing.T) {
	for _, c := range []struct{ pkg, dep string }{
		{"store", "knowledge"}, {"knowledge", "server"}, {"automation", "jobs"}, {"jobs", "cmd/deskmate"},
		{"internal/app", "account"}, {"knowledge/parser", "fiber"}, {"gorgias", "store"},
	} {
		graph := map[string][]string{c.pkg: {c.dep}}
		broken := false
		for pkg, deps := range graph {
			for _, dep := range deps {
				broken = broken || top(dep) == "cmd" || dep == "server" && top(pkg) != "cmd" || dep == "fiber" && pkg != "server" ||
					top(pkg) == "store" && isDomain(dep) || isDomain(pkg) && (dep == "server" || dep == "jobs") ||
					top(pkg) == "internal" && isDomain(dep) || top(pkg) == "gorgias" && dep == "store"
			}
		}
		if !broken {
			t.Errorf("%s → %s should break a rule", c.pkg, c.dep)
		}
	}
}
