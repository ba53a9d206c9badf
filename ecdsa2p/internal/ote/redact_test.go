package ote

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%b", "%o", "%T", "%p"}

// TestRedaction formats every secret-holding type of the package with every verb and through
// slog and checks that no secret (β′, a pad, a leaf, Δ) appears.
func TestRedaction(t *testing.T) {
	cs, ds := testSeeds(t, "redact")
	sess := testSession(t, "redact", 0, 1)
	recv, msg, err := NewReceiver(renew(sess), cs, testrng.New("ote/redact"))
	require.NoError(t, err)
	snd, err := NewSender(renew(sess), ds)
	require.NoError(t, err)
	unused, err := NewSender(renew(sess), ds)
	require.NoError(t, err)
	out, err := snd.Extend(msg)
	require.NoError(t, err)
	pad := recv.Pads()[3][1].Bytes()
	pad1 := out.Pads1()[3][1].Bytes()
	leaf := ds.Leaves()[2][5]
	delta := ds.DeltaBytes()
	secrets := []string{hex.EncodeToString(recv.Choices()[:8]), hex.EncodeToString(pad[:8]),
		hex.EncodeToString(pad1[:8]), hex.EncodeToString(leaf[:8]), hex.EncodeToString(delta[:8]),
		strings.Trim(fmt.Sprint(leaf[:4]), "[]"), strings.Trim(fmt.Sprint(recv.Choices()[:4]), "[]")}
	type nested struct {
		S *Sender
		O ReceiverOutput
	}
	values := map[string]any{
		"*ReceiverOutput": recv, "ReceiverOutput": *recv, "*SenderOutput": out, "SenderOutput": *out,
		"*Sender": unused, "Sender": *unused, "nested": nested{unused, *recv},
	}
	for name, v := range values {
		for _, verb := range verbs {
			if verb == "%p" && !strings.HasPrefix(name, "*") {
				continue // fmt prints %p of a non-pointer itself, without calling Format
			}
			s := strings.ToLower(fmt.Sprintf(verb, v))
			for _, sec := range secrets {
				require.NotContains(t, s, sec, "%s with %s", name, verb)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		for _, sec := range secrets {
			require.NotContains(t, strings.ToLower(buf.String()), sec, "%s via slog", name)
		}
	}
}
