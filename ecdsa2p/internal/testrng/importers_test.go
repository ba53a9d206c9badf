package testrng

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyGeneratorImports enforces PROTOCOL.md Appendix C item 2: no non-test code imports
// this package, except the known-answer vector generator under ecdsa2p/internal/testvec.
// (Test files may import it; `go list`'s Imports field lists non-test imports only.)
func TestOnlyGeneratorImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	const self = "github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	const allowed = "github.com/tandem-mpc/tandem/ecdsa2p/internal/testvec"
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`,
		"github.com/tandem-mpc/tandem/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := fields[0]
		for _, imp := range fields[1:] {
			if imp == self && pkg != allowed && !strings.HasPrefix(pkg, allowed+"/") {
				t.Errorf("%s imports %s outside tests", pkg, self)
			}
		}
	}
}
