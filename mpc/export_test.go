package mpc

import (
	"context"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// SealSignedForTest seals a SIGNED envelope from self to peer (nil: broadcast) for round r,
// slot seq, with epk in EXT_KEX when non-nil. External driver tests use it to craft
// authenticated frames that the driver itself would never send (D12).
func SealSignedForTest(self signer.Signer, label string, inst [32]byte, r, seq uint32, peer *signer.VerifyingKey, epk, payload []byte) ([]byte, error) {
	var penc []byte
	if peer != nil {
		penc = peer.Encoding()
	}
	i := InstanceID(inst)
	tag := Tag(r, seq)
	h := envHeader{id: messageID(label, &i, tag, self.VerifyingKey().Encoding(), penc), ttlCode: relay.EncodeTTL(600e9), tag: tag}
	return sealSigned(context.Background(), self, Signed, h, epk, payload)
}
