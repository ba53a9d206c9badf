package ecdsa2p_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// negTest names one test of a §12.2 row: the package directory relative to ecdsa2p/, the
// top-level test function, and optionally the literal prefix of the subtest name (as the
// string appears in the source, before t.Run turns spaces into underscores).
type negTest struct {
	pkg, fn, sub string
}

// negativeIndex maps every negative test N1–N34 of PROTOCOL.md §12.2 to the tests that
// implement it. The export tests N28 and N34 are out of scope until export exists (issue 6).
var negativeIndex = map[int][]negTest{
	1: {
		{"internal/keygen", "TestN01_SetupMismatch", ""},
		{"internal/sign", "TestN1_SetupMismatch", ""},
		{"internal/sign", "TestN1_SetupMismatchShareID", ""},
		{"internal/refresh", "TestSetupMismatch", ""},
		{"internal/refresh", "TestTamperEveryField", "N1 RF1 setup digest"},
	},
	2: {{"internal/keygen", "TestN02_CommitmentMismatch", ""}},
	3: {{"internal/keygen", "TestN03_SchnorrProofInvalid", ""}},
	4: {{"internal/keygen", "TestN04_MalformedPayload", ""}},
	5: {
		{"internal/keygen", "TestN05_BaseOTInvalid", ""},
		{"internal/ot", "TestSenderRejectsMessage1", ""},
	},
	6: {
		{"internal/keygen", "TestN06_PPRFCorrectionWord", ""},
		{"internal/ot", "TestPPRFRejects", "N6/"},
	},
	7: {
		{"internal/keygen", "TestN07_PPRFProofAndBasePoints", ""},
		{"internal/ot", "TestPPRFRejects", "N7/"},
		{"internal/ot", "TestReceiverRejectsMessage2", ""},
	},
	8: {
		{"internal/keygen", "TestN08_ConfirmationMismatch", ""},
		{"internal/refresh", "TestTamperEveryField", "N8 RF4 confirmation"},
	},
	9: {{"internal/sign", "TestN9_N25_IgnoredInput", ""}},
	10: {
		{"internal/sign", "TestNegativeChecks", "N10 u_b"},
		{"internal/sign", "TestNegativeChecks", "N10 x~"},
		{"internal/sign", "TestNegativeChecks", "N10 t~_0"},
		{"internal/sign", "TestLockedRefusesFinish", ""},
		{"internal/sign", "TestN10_RefreshClearsLock", ""},
		{"internal/refresh", "TestLockedRefreshesUnlocked", "N10 OTExtensionCheckFailed"},
		{"internal/ote", "TestTamper", ""},
		{".", "TestLockAndRefresh", ""},
	},
	11: {
		{"internal/sign", "TestNegativeChecks", "N11 S2 short"},
		{"internal/sign", "TestNegativeChecks", "N11 S2 long"},
		{"internal/sign", "TestNegativeChecks", "N11 S3 short"},
	},
	12: {{"internal/sign", "TestNegativeChecks", "N12"}},
	13: {
		{"internal/sign", "TestN13_MaliciousRVOLESender", ""},
		{"internal/sign", "TestNegativeChecks", "N13 atilde"},
		{"internal/rvole", "TestInconsistentSender", ""},
	},
	14: {{"internal/sign", "TestNegativeChecks", "N14"}},
	15: {{"internal/sign", "TestNegativeChecks", "N15"}},
	16: {
		{"internal/sign", "TestNegativeChecks", "N16 gamma_u"},
		{"internal/sign", "TestNegativeChecks", "N16 gamma_v"},
	},
	17: {{"internal/sign", "TestNegativeChecks", "N17"}},
	18: {
		{"internal/sign", "TestNegativeChecks", "N18 atilde"},
		{"internal/sign", "TestNegativeChecks", "N18 psi"},
	},
	19: {{"internal/sign", "TestNegativeChecks", "N19"}},
	20: {{"internal/sign", "TestNegativeChecks", "N20"}},
	21: {{"internal/sign", "TestN21_DegenerateSignature", ""}},
	22: {
		{"internal/sign", "TestN22_PresignatureConsumed", ""},
		{".", "TestEndToEnd", ""},
	},
	23: {{"internal/sign", "TestN23_ParallelSessionsLock", ""}},
	24: {
		{"internal/sign", "TestN24_Equivocation", ""},
		{"internal/keygen", "TestN24_KeygenEquivocation", ""},
		{"internal/refresh", "TestIgnoreDuplicateEquivocation", ""},
	},
	25: {
		{"internal/sign", "TestN9_N25_IgnoredInput", ""},
		{"internal/keygen", "TestN25_IgnoredInputs", ""},
		{"internal/refresh", "TestIgnoreDuplicateEquivocation", ""},
		{".", "TestIgnoredOverDriver", ""},
	},
	26: {{"internal/bip32", "TestN26_PathSyntax", ""}},
	27: {
		{"internal/keyshare", "TestN27_KeyshareInvalid", ""},
		{".", "TestParseKeyshareInvalid", ""},
	},
	29: {{"internal/sign", "TestN29_XAtLeastN", ""}},
	30: {
		{".", "TestN30_CancelPresign", ""},
		{".", "TestN30_CancelKeygen", ""},
		{".", "TestN30_CancelRefresh", ""},
	},
	31: {
		{"internal/refresh", "TestTamperEveryField", "N31 RF1 Z prefix 0x04"},
		{"internal/refresh", "TestTamperEveryField", "N31 RF1 short"},
		{"internal/refresh", "TestTamperEveryField", "N31 RF1 long"},
	},
	32: {
		{"internal/keygen", "TestN32_MissingK4Pending", ""},
		{".", "TestKeygenPending", ""},
	},
	33: {
		{"internal/keyshare", "TestLockAndN33_Restored", ""},
		{"internal/refresh", "TestLockedRefreshesUnlocked", "N33 Restored"},
	},
}

// negativeExcluded are the §12.2 rows issue 6 leaves for later (export).
var negativeExcluded = map[int]bool{28: true, 34: true}

// testSource is what the _test.go files of one package directory declare.
type testSource struct {
	funcs map[string][]string // top-level Test function → the string literals in its body
}

func parseTestSources(t *testing.T, dir string) testSource {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no _test.go files in %s", dir)
	src := testSource{funcs: map[string][]string{}}
	fset := token.NewFileSet()
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		af, err := parser.ParseFile(fset, f, b, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Test") || fd.Body == nil {
				continue
			}
			lits := []string{}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						lits = append(lits, s)
					}
				}
				return true
			})
			src.funcs[fd.Name.Name] = lits
		}
	}
	return src
}

// TestNegativeIndex keeps negativeIndex honest: every row N1–N34 of §12.2 except the export
// rows has at least one entry, every listed test function exists in the listed package's
// test files, and a listed subtest name is a string literal in that function's body.
func TestNegativeIndex(t *testing.T) {
	t.Parallel()
	for n := 1; n <= 34; n++ {
		if negativeExcluded[n] {
			require.NotContains(t, negativeIndex, n, "N%d is excluded", n)
			continue
		}
		require.NotEmpty(t, negativeIndex[n], "N%d has no test", n)
	}
	cache := map[string]testSource{}
	for n, tests := range negativeIndex {
		for _, nt := range tests {
			src, ok := cache[nt.pkg]
			if !ok {
				src = parseTestSources(t, filepath.FromSlash(nt.pkg))
				cache[nt.pkg] = src
			}
			lits, ok := src.funcs[nt.fn]
			require.True(t, ok, "N%d: %s has no func %s", n, nt.pkg, nt.fn)
			if nt.sub == "" {
				continue
			}
			found := false
			for _, s := range lits {
				if strings.HasPrefix(s, nt.sub) {
					found = true
					break
				}
			}
			require.True(t, found, "N%d: %s.%s: no subtest name starting %q", n, nt.pkg, nt.fn, nt.sub)
		}
	}
}
