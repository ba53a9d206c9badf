package transcript

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specLabels is PROTOCOL.md §2.13, copied by hand into the test (Appendix C item 4): the label
// and its function, in the specification's order.
var specLabels = []struct {
	label string
	kind  string
}{
	{"tandem/v1/keygen/setup", "H"},
	{"tandem/v1/keygen/commit", "H"},
	{"tandem/v1/keygen/sid", "H"},
	{"tandem/v1/keygen/chaincode", "H"},
	{"tandem/v1/keygen/transcript", "H"},
	{"tandem/v1/keygen/confirm", "H"},
	{"tandem/v1/key/id", "H"},
	{"tandem/v1/key/share-id", "H"},
	{"tandem/v1/dlog", "H2S"},
	{"tandem/v1/ot/sid", "H"},
	{"tandem/v1/ot/h2c", "H2C"},
	{"tandem/v1/ot/key", "H"},
	{"tandem/v1/pprf/sid", "H"},
	{"tandem/v1/pprf/expand", "PRG"},
	{"tandem/v1/pprf/leaf", "H"},
	{"tandem/v1/pprf/proof", "H"},
	{"tandem/v1/sign/setup", "H"},
	{"tandem/v1/sign/commit", "H"},
	{"tandem/v1/sign/sid", "H"},
	{"tandem/v1/sign/ote-sid", "H"},
	{"tandem/v1/ote/expand", "PRG"},
	{"tandem/v1/ote/u", "H"},
	{"tandem/v1/ote/chi", "H"},
	{"tandem/v1/ote/pad", "PRG"},
	{"tandem/v1/rvole/gadget", "H2S"},
	{"tandem/v1/rvole/atilde", "H"},
	{"tandem/v1/rvole/theta", "H2S"},
	{"tandem/v1/rvole/mu", "H"},
	{"tandem/v1/sign/rerandomize", "H2S"},
	{"tandem/v1/refresh/setup", "H"},
	{"tandem/v1/refresh/sid", "H"},
	{"tandem/v1/refresh/tau", "H2S"},
	{"tandem/v1/refresh/transcript", "H"},
	{"tandem/v1/refresh/confirm", "H"},
	{"tandem/v1/export/info", "H"},
	{"tandem/v1/keyshare/checksum", "H"},
	{"tandem/v1/presig/checksum", "H"},
}

func TestRegistryMatchesSpec(t *testing.T) {
	reg := Registry()
	require.Len(t, reg, len(specLabels))
	for i, want := range specLabels {
		assert.Equal(t, want.label, string(reg[i].Label), "row %d", i)
		assert.Equal(t, want.kind, reg[i].Kind.String(), "row %d (%s)", i, want.label)
		assert.NotEmpty(t, reg[i].Fields, "row %d", i)
		k, ok := KindOf(Label(want.label))
		assert.True(t, ok, want.label)
		assert.Equal(t, reg[i].Kind, k, want.label)
	}
}

func TestRegistryUnique(t *testing.T) {
	seen := map[Label]bool{}
	for _, e := range Registry() {
		require.False(t, seen[e.Label], "duplicate label %q", e.Label)
		seen[e.Label] = true
	}
}

func TestRegistryWellFormed(t *testing.T) {
	for _, e := range Registry() {
		l := string(e.Label)
		assert.True(t, strings.HasPrefix(l, "tandem/v1/"), l)
		assert.False(t, strings.HasPrefix(l, "tandem/v1/test"), "test label in the registry: %s", l)
		for _, c := range []byte(l) {
			assert.True(t, c > 0x20 && c < 0x7f, "non-printable ASCII in %q", l)
		}
	}
	_, ok := KindOf(labelTest)
	assert.False(t, ok)
}

func TestKindString(t *testing.T) {
	assert.Equal(t, "H", KindH.String())
	assert.Equal(t, "H2S", KindH2S.String())
	assert.Equal(t, "PRG", KindPRG.String())
	assert.Equal(t, "H2C", KindH2C.String())
	assert.Equal(t, "invalid", Kind(0).String())
}

func TestRegistryIsACopy(t *testing.T) {
	r := Registry()
	r[0].Label = "x"
	assert.Equal(t, LabelKeygenSetup, Registry()[0].Label)
}

// Test labels (tandem/v1/test, tandem/v1/test/…) never appear in production code (§2.13):
// only _test.go files, the test RNG and the vector generator may use them.
func TestNoTestLabelsInProductionCode(t *testing.T) {
	root := filepath.Join("..", "..")
	allowed := []string{
		filepath.Join("ecdsa2p", "internal", "testrng") + string(filepath.Separator),
		filepath.Join("ecdsa2p", "internal", "testvec") + string(filepath.Separator),
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		for _, a := range allowed {
			if strings.HasPrefix(rel, a) {
				return nil
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), `"tandem/v1/test`) {
			t.Errorf("%s uses a test label outside tests", rel)
		}
		return nil
	})
	require.NoError(t, err)
}
