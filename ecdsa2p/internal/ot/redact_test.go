package ot

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tandem-mpc/tandem/internal/secp"
)

// Every secret-holding type of the package redacts itself under every fmt verb, as a value
// and as a pointer, nested in a struct, and under slog.
func TestSecretsNeverPrint(t *testing.T) {
	recv, msg1 := newReceiver(t, "redact", nil)
	c := testCorrelation(t, "redact")
	// Recognisable secrets.
	recv.cb = [32]byte{0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe}
	so, _, err := NewBaseOTSender(c, msg1, fixedSource{}, nil)
	require.NoError(t, err)
	so.o[0][0] = [32]byte{0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe}
	ro := &ReceiverOutputs{corr: c, cb: recv.cb}
	ro.o[7] = so.o[0][0]
	var leaves Leaves
	leaves[3][4] = so.o[0][0]
	cs := NewChooserSeeds(&leaves)
	delta := [Blocks]uint8{0xd, 0xe, 0xa, 0xd}
	ds, err := NewDeltaSeeds(&delta, &leaves)
	require.NoError(t, err)
	aBytes := recv.a[0].Bytes()

	secrets := [][]byte{{0xde, 0xad, 0xbe, 0xef}, aBytes[:8]}
	values := map[string]any{
		"*BaseOTReceiver": recv, "BaseOTReceiver": *recv,
		"*ReceiverOutputs": ro, "ReceiverOutputs": *ro,
		"*SenderOutputs": so, "SenderOutputs": *so,
		"*ChooserSeeds": cs, "*DeltaSeeds": ds,
		"nested": struct{ R *BaseOTReceiver }{recv}, "nested value": struct{ O ReceiverOutputs }{*ro},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v", "%60v", "%-v"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				for _, form := range []string{hex.EncodeToString(s), strings.ToUpper(hex.EncodeToString(s)), string(s),
					fmt.Sprint(s[0], " ", s[1]), fmt.Sprint(int(s[0]), " ", int(s[1]))} {
					require.NotContains(t, out, form, "%s with %s: %s", name, verb, out)
				}
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
		require.NotContains(t, buf.String(), "dead", name)
		require.NotContains(t, buf.String(), "222 173", name)
	}
	require.Contains(t, fmt.Sprint(recv), "REDACTED")
	require.Contains(t, fmt.Sprint(*ro), "REDACTED")
}

// fixedSource returns the same non-zero scalar every time (tests only).
type fixedSource struct{}

func (fixedSource) RandomBytes(p []byte) {
	for i := range p {
		p[i] = 0x5a
	}
}

func (fixedSource) RandomScalar() *secp.Scalar { return secp.NewScalar().SetUint64(0x5a5a) }
