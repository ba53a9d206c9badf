package rvole

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/testrng"
	"github.com/tandem-mpc/tandem/internal/secp"
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%b", "%o", "%T", "%p"}

// TestRedaction formats every secret-holding type with every verb and through slog, and checks
// that no secret byte string (β′, a pad, χ) appears, in hex or in decimal bytes.
func TestRedaction(t *testing.T) {
	recvOut, sendOut := extension(t, "redact")
	beta := *recvOut.Choices()
	pad := recvOut.Pads()[0][0].Bytes()
	pad0 := sendOut.Pads0()[1][2].Bytes()
	r, chi, err := NewReceiver(recvOut)
	require.NoError(t, err)
	chiB := chi.Bytes()
	msg, _, _, err := Send(sendOut, secp.NewScalar().SetUint64(1), secp.NewScalar().SetUint64(2), testrng.New("x"))
	require.NoError(t, err)
	m, err := r.ParseMessage(msg)
	require.NoError(t, err)
	secrets := []string{hex.EncodeToString(beta[:8]), hex.EncodeToString(pad[:8]),
		hex.EncodeToString(pad0[:8]), hex.EncodeToString(chiB[:8]),
		strings.Trim(fmt.Sprint(beta[:4]), "[]")}
	type nested struct{ R *Receiver }
	values := map[string]any{
		"*Receiver": r, "Receiver": *r, "nested": nested{r}, "*Message": m,
		"*ote.ReceiverOutput": recvOut, "ote.ReceiverOutput": *recvOut,
		"*ote.SenderOutput": sendOut, "ote.SenderOutput": *sendOut,
	}
	for name, v := range values {
		for _, verb := range verbs {
			if verb == "%p" && !strings.HasPrefix(name, "*") {
				continue // fmt prints %p of a non-pointer itself, without calling Format
			}
			out := strings.ToLower(fmt.Sprintf(verb, v))
			for _, s := range secrets {
				require.NotContains(t, out, s, "%s with %s", name, verb)
			}
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "v", v)
		for _, s := range secrets {
			require.NotContains(t, strings.ToLower(buf.String()), s, "%s via slog", name)
		}
	}
}
