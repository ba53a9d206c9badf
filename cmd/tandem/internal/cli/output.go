package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// keyResult is the output of keygen, refresh and address.
type keyResult struct {
	PublicKey string `json:"public_key"`
	Address   string `json:"address"`
	Status    string `json:"status,omitempty"`
	Path      string `json:"path,omitempty"`
}

// signResult is the output of sign (both parties print it).
type signResult struct {
	Signature  string `json:"signature"` // r ‖ s ‖ v, 65 bytes
	R          string `json:"r"`
	S          string `json:"s"`
	RecoveryID int    `json:"recovery_id"`
	PublicKey  string `json:"public_key"`
	Address    string `json:"address"`
}

// field is one line of human output.
type field struct{ name, value string }

// emit prints v as one JSON line, or fields as aligned "name: value" lines.
func emit(e *env, asJSON bool, v any, fields []field) error {
	if asJSON {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("internal error: %w", err)
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", b)
		return err
	}
	width := 0
	for _, f := range fields {
		width = max(width, len(f.name))
	}
	for _, f := range fields {
		if _, err := fmt.Fprintf(e.stdout, "%-*s %s\n", width+1, f.name+":", f.value); err != nil {
			return err
		}
	}
	return nil
}

// keyOutput prints a keyshare's public key and address with status (keygen, refresh).
func keyOutput(e *env, asJSON bool, ks *ecdsa2p.Keyshare, status string) error {
	pub := ks.PublicKey()
	r := keyResult{PublicKey: hex.EncodeToString(pub[:]), Address: ks.AddressHex(), Status: status}
	return emit(e, asJSON, r, []field{{"public key", r.PublicKey}, {"address", r.Address}, {"status", r.Status}})
}

// signOutput prints a signature.
func signOutput(e *env, asJSON bool, sig *ecdsa2p.Signature) error {
	addr, err := ecdsa2p.AddressOf(sig.Key)
	if err != nil {
		return fmt.Errorf("internal error: signature key: %w", err)
	}
	b := sig.Bytes65()
	r := signResult{
		Signature:  hex.EncodeToString(b[:]),
		R:          hex.EncodeToString(sig.R[:]),
		S:          hex.EncodeToString(sig.S[:]),
		RecoveryID: int(sig.RecID),
		PublicKey:  hex.EncodeToString(sig.Key[:]),
		Address:    addr,
	}
	return emit(e, asJSON, r, []field{
		{"signature", r.Signature}, {"r", r.R}, {"s", r.S}, {"recovery id", fmt.Sprint(r.RecoveryID)},
		{"public key", r.PublicKey}, {"address", r.Address},
	})
}
