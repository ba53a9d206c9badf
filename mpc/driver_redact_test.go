package mpc

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tandem-mpc/tandem/signer"
)

// An Inbound's payload (the plaintext of an ENCRYPTED slot) and a Config's instance id never
// print, under any verb, nested or in slog.
func TestDriverTypesRedact(t *testing.T) {
	secret := bytes.Repeat([]byte{0xA7, 0x3C, 0x19, 0xE2}, 8)
	in := Inbound{Round: 2, Slot: Slot{Seq: 1, Kind: Encrypted}, Payload: secret, Frame: append([]byte("frame"), secret...)}
	k, err := signer.GenerateEd25519()
	assert.NoError(t, err)
	var inst [32]byte
	copy(inst[:], secret)
	cfg := Config{Protocol: "tandem/test/v1", Instance: inst, Self: k, Peer: k.VerifyingKey()}
	type nested struct {
		In  []Inbound
		Cfg Config
	}
	// fmt prints a non-pointer operand of %p by reflection with methods disabled (go vet
	// reports such calls), so %p is left out for non-pointers, as for InstanceID.
	for name, v := range map[string]any{"*inbound": &in, "*config": &cfg, "*nested": &nested{[]Inbound{in}, cfg}} {
		requireRedacted(t, name, v, false, secret)
	}
	for name, v := range map[string]any{"inbound": in, "[]inbound": []Inbound{in}, "config": cfg, "nested": nested{[]Inbound{in}, cfg}} {
		requireRedacted(t, name, v, true, secret)
	}
	assert.Contains(t, in.String(), "32 bytes")
	assert.Contains(t, cfg.String(), "REDACTED")
}
