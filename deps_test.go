package tandem_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tandem-mpc/tandem"

// rule forbids packages matching from (a package path relative to the module, "x/..." for a
// subtree) from depending, directly or transitively through non-test imports, on anything
// matching one of the forbidden prefixes. allowOnly, when set, lists the only non-stdlib
// prefixes allowed.
type rule struct {
	from      string
	forbidden []string
	allowOnly []string
}

// The dependency directions of DEVELOPERS.md and WIRE.md §1 / Appendix Y.1 (non-test imports).
var rules = []rule{
	{from: "signer/...", allowOnly: []string{module + "/signer", module + "/internal/atomicfile"}},
	{from: "internal/atomicfile", allowOnly: []string{module + "/internal/atomicfile"}},
	{from: "relay/...", forbidden: []string{module + "/mpc", module + "/signer", module + "/ecdsa2p", module + "/internal/secp"}},
	{from: "relay", allowOnly: []string{module + "/relay", "github.com/gorilla/websocket"}},
	{from: "relay/store/...", forbidden: []string{module + "/relay/server", "github.com/prometheus"}},
	{from: "mpc/...", forbidden: []string{module + "/ecdsa2p", module + "/internal/secp", "github.com/decred"}},
	{from: "internal/transcript/...", forbidden: []string{module + "/relay", module + "/mpc", "net", "github.com/gorilla", "github.com/redis"}},
	{from: "internal/secp/...", forbidden: []string{module + "/relay", module + "/mpc", "net", "github.com/gorilla", "github.com/redis"}},
	{from: "ecdsa2p/internal/...", forbidden: []string{module + "/relay", module + "/mpc", "net", "net/http", "github.com/gorilla", "github.com/redis"}},
}

type pkgInfo struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkgInfo
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func matches(pattern, rel string) bool {
	switch {
	case pattern == "...":
		return true
	case strings.HasSuffix(pattern, "/..."):
		base := strings.TrimSuffix(pattern, "/...")
		return rel == base || strings.HasPrefix(rel, base+"/")
	default:
		return rel == pattern
	}
}

func hasPrefixPath(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// TestOnlySecpImportsDecred: internal/secp is the only package that imports decred directly
// (everything else reaches the curve through it, so no variable-time decred function can be
// called on a secret from outside the fence).
func TestOnlySecpImportsDecred(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if rel == "internal/secp" {
			continue
		}
		for _, imp := range p.Imports {
			if hasPrefixPath(imp, "github.com/decred") {
				t.Errorf("%s imports %s: only internal/secp may import decred", p.ImportPath, imp)
			}
		}
	}
}

// TestTestRNGFenced: the deterministic test RNG (PROTOCOL.md 12.5) is reachable only from tests
// and the vector generator, and the test harnesses (mpctest, relaytest) only from tests and
// commands, never from a library package an application links.
func TestTestRNGFenced(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	const testrng = module + "/ecdsa2p/internal/testrng"
	const mpctest = module + "/mpc/mpctest"
	const relaytest = module + "/relay/relaytest"
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, d := range p.Deps {
			if d == testrng && p.ImportPath != testrng && !strings.HasPrefix(rel, "ecdsa2p/internal/testvec") {
				t.Errorf("%s depends on %s: only tests and ecdsa2p/internal/testvec may", p.ImportPath, testrng)
			}
			// Test harnesses: only tests, other harnesses and the benchmark command use them.
			if (d == mpctest || d == relaytest) && !strings.HasPrefix(rel, "mpc/mpctest") && !strings.HasPrefix(rel, "relay/relaytest") && !strings.HasPrefix(rel, "cmd/") {
				t.Errorf("%s depends on the test harness %s", p.ImportPath, d)
			}
		}
	}
}

func TestDependencyDirections(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for _, r := range rules {
			if !matches(r.from, rel) {
				continue
			}
			for _, d := range p.Deps {
				for _, f := range r.forbidden {
					if hasPrefixPath(d, f) {
						t.Errorf("%s must not depend on %s (via %s)", p.ImportPath, f, d)
					}
				}
				if r.allowOnly != nil && !isStd(d) && !strings.HasPrefix(d, "vendor/") {
					ok := false
					for _, a := range r.allowOnly {
						if hasPrefixPath(d, a) {
							ok = true
						}
					}
					if !ok {
						t.Errorf("%s may depend only on the standard library and %v, not %s", p.ImportPath, r.allowOnly, d)
					}
				}
			}
		}
	}
}
