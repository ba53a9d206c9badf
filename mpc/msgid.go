package mpc

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// msgIDMidstate is the SHA-256 state after absorbing SHA256(tagMsgID) ‖ SHA256(tagMsgID), one
// full 64-byte block (WIRE.md §10.4 allows precomputing it), in crypto/sha256's marshalled
// form. Restoring it saves one compression per id and allocates nothing.
var msgIDMidstate = func() []byte {
	t := sha256.Sum256([]byte(tagMsgID))
	h := sha256.New()
	h.Write(t[:])
	h.Write(t[:])
	st, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("mpc: internal error: sha256 state does not marshal")
	}
	return st
}()

// MessageID returns the id of the message with the given tag from sender to receiver in the
// session (label, inst) (WIRE.md §10.4). A nil receiver means a broadcast slot (the receiver
// field is empty). The label is hashed as given; Run validates it (Label.Validate) and the
// keys before use. A zero VerifyingKey has no encoding and enters the preimage as an empty
// field, which no valid session ever uses.
func MessageID(label string, inst [32]byte, tag uint64, sender signer.VerifyingKey, receiver *signer.VerifyingKey) relay.MsgID {
	var renc []byte
	if receiver != nil {
		renc = receiver.Encoding()
	}
	id := InstanceID(inst)
	return messageID(label, &id, tag, sender.Encoding(), renc)
}

// messageID is MessageID over typed key encodings enc(vk) (§10.1); an empty receiverEnc means
// broadcast. It allocates nothing when the label is at most 64 bytes and the encodings at most
// 34 bytes each.
func messageID(label string, inst *InstanceID, tag uint64, senderEnc, receiverEnc []byte) relay.MsgID {
	var stack [4 + MaxLabelLen + 4 + 32 + 8 + 4 + 34 + 4 + 34]byte
	pre := msgIDPreimage(stack[:0], label, inst, tag, senderEnc, receiverEnc)
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(msgIDMidstate); err != nil {
		panic("mpc: internal error: sha256 midstate does not restore")
	}
	h.Write(pre)
	var id relay.MsgID
	h.Sum(id[:0])
	return id
}

// msgIDPreimage appends the part of the message-id preimage after the tagged prefix:
// lp(L) ‖ lp(I) ‖ u64be(tag) ‖ lp(enc(sender)) ‖ lp(receiver).
func msgIDPreimage(dst []byte, label string, inst *InstanceID, tag uint64, senderEnc, receiverEnc []byte) []byte {
	dst = appendLPString(dst, label)
	dst = appendLP(dst, inst[:])
	dst = binary.BigEndian.AppendUint64(dst, tag)
	dst = appendLP(dst, senderEnc)
	return appendLP(dst, receiverEnc)
}
