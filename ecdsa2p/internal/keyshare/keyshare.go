package keyshare

import (
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p/internal/engineerr"
	"github.com/tandem-mpc/tandem/ecdsa2p/internal/ot"
	"github.com/tandem-mpc/tandem/internal/secp"
	"github.com/tandem-mpc/tandem/internal/transcript"
)

// Params is the parameter string PARAMS of PROTOCOL.md (header table), bound into every setup
// digest (keygen, sign, refresh).
const Params = "tandem/v1;secp256k1;baseot=256;k=4;xi=512;lambda_s=128"

// Status flags of the stored keyshare (PROTOCOL.md §11.1, offset 7).
const (
	FlagLocked   uint8 = 1 << 0
	FlagExported uint8 = 1 << 1
	FlagPending  uint8 = 1 << 2
	flagsMask          = FlagLocked | FlagExported | FlagPending
)

// NoCulprit is the stored lock culprit that blames nobody (0xFF).
const NoCulprit uint8 = 0xFF

// Errors. Every load or construction failure matches ErrInvalid (KeyshareInvalid of §11.1).
var (
	ErrInvalid            = errors.New("keyshare: invalid (KeyshareInvalid)")
	ErrUnsupportedVersion = errors.New("keyshare: unsupported version")
)

// Keyshare is one party's share of a two-party key and its OT correlations. The zero value is
// not usable; build one with [New] or [Parse]. Secret: it never prints its secrets.
//
// A Keyshare is not safe for concurrent mutation; the SDK serialises access (one mutex per
// keyshare, §10.3).
type Keyshare struct {
	index       uint8
	flags       uint8
	lockReason  uint8
	lockCulprit uint8
	keyID       [32]byte
	shareID     [32]byte
	genSID      [32]byte
	q           [33]byte
	cc          [32]byte // confidential
	pub         [2][33]byte
	x           secp.Scalar // secret
	id          [2][]byte
	chooser     *ot.ChooserSeeds // secret: correlation (self, peer)
	delta       *ot.DeltaSeeds   // secret: correlation (peer, self)
}

// Fields are the inputs of [New]: what keygen (§7.4) or refresh (§9.1) outputs.
type Fields struct {
	Index     uint8            // this party's index, 0 or 1
	GenSID    [32]byte         // sid_kg or sid_rf
	ChainCode [32]byte         // cc (confidential)
	X0, X1    *secp.Point      // the public shares
	Share     *secp.Scalar     // x_i (secret; copied)
	ID0, ID1  []byte           // the identities, 1..255 bytes (copied)
	Chooser   *ot.ChooserSeeds // ChooserSeeds of (Index, peer) (copied)
	Delta     *ot.DeltaSeeds   // DeltaSeeds of (peer, Index) (copied)
	Pending   bool             // store with status PENDING (refresh; keygen without the peer's K4)
}

// New builds a keyshare from f, computing Q = X_0 + X_1, key_id = H("tandem/v1/key/id",
// pt(Q), cc) and share_id = H("tandem/v1/key/share-id", key_id, gen_sid), and checking what
// §11.1's load checks check. The lock bits are clear. It copies every input.
func New(f Fields) (*Keyshare, error) {
	if f.Index > 1 || f.X0 == nil || f.X1 == nil || f.Share == nil || !f.Chooser.Valid() || !f.Delta.Valid() {
		return nil, fmt.Errorf("%w: missing or out-of-range field", ErrInvalid)
	}
	k := &Keyshare{index: f.Index, lockCulprit: NoCulprit, genSID: f.GenSID, cc: f.ChainCode}
	if f.Pending {
		k.flags = FlagPending
	}
	var err error
	if k.pub[0], err = f.X0.Bytes(); err != nil {
		return nil, fmt.Errorf("%w: X_0 is the identity", ErrInvalid)
	}
	if k.pub[1], err = f.X1.Bytes(); err != nil {
		return nil, fmt.Errorf("%w: X_1 is the identity", ErrInvalid)
	}
	Q := new(secp.Point).Add(f.X0, f.X1)
	if k.q, err = Q.Bytes(); err != nil {
		return nil, fmt.Errorf("%w: Q is the identity", ErrInvalid)
	}
	for i, id := range [][]byte{f.ID0, f.ID1} {
		if len(id) < 1 || len(id) > 255 {
			return nil, fmt.Errorf("%w: id_%d has %d bytes, want 1..255", ErrInvalid, i, len(id))
		}
		k.id[i] = append([]byte(nil), id...)
	}
	k.x.Set(f.Share)
	k.chooser = ot.NewChooserSeeds(f.Chooser.Leaves())
	if k.delta, err = ot.NewDeltaSeeds(f.Delta.Delta(), f.Delta.Leaves()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	k.keyID, k.shareID = IDs(k.q, k.cc, k.genSID)
	if err := k.checkShare(); err != nil {
		k.Wipe()
		return nil, err
	}
	return k, nil
}

// IDs returns key_id = H("tandem/v1/key/id", pt(Q), cc) and
// share_id = H("tandem/v1/key/share-id", key_id, gen_sid) (PROTOCOL.md §7.4).
func IDs(ptQ [33]byte, cc, genSID [32]byte) (keyID, shareID [32]byte) {
	keyID = transcript.H(transcript.LabelKeyID, ptQ[:], cc[:])
	shareID = transcript.H(transcript.LabelKeyShareID, keyID[:], genSID[:])
	return keyID, shareID
}

// checkShare checks x_i ≠ 0 and x_i·G = X_index (constant time in x_i).
func (k *Keyshare) checkShare() error {
	if k.x.IsZero() == 1 {
		return fmt.Errorf("%w: x_i is zero", ErrInvalid)
	}
	X := new(secp.Point).ScalarBaseMult(&k.x)
	enc, err := X.Bytes()
	if err != nil || enc != k.pub[k.index] {
		return fmt.Errorf("%w: x_i·G ≠ X_%d", ErrInvalid, k.index)
	}
	return nil
}

// Index returns the party index (0 for P1, 1 for P2).
func (k *Keyshare) Index() uint8 { return k.index }

// KeyID returns key_id.
func (k *Keyshare) KeyID() [32]byte { return k.keyID }

// ShareID returns share_id, which names this generation.
func (k *Keyshare) ShareID() [32]byte { return k.shareID }

// GenSID returns the session id of the keygen or refresh that made this generation.
func (k *Keyshare) GenSID() [32]byte { return k.genSID }

// PublicKey returns pt(Q).
func (k *Keyshare) PublicKey() [33]byte { return k.q }

// PublicShare returns pt(X_i) for party i (0 or 1); it panics on another index.
func (k *Keyshare) PublicShare(i uint8) [33]byte {
	if i > 1 {
		panic("keyshare: internal error: party index out of range")
	}
	return k.pub[i]
}

// ChainCode returns the root chain code. Confidential: with any child private key it reveals
// the parent key (§2.12).
func (k *Keyshare) ChainCode() [32]byte { return k.cc }

// Share returns a copy of x_i. Secret.
func (k *Keyshare) Share() *secp.Scalar { return secp.NewScalar().Set(&k.x) }

// ID returns a copy of id_i (i = 0 or 1); it panics on another index.
func (k *Keyshare) ID(i uint8) []byte {
	if i > 1 {
		panic("keyshare: internal error: party index out of range")
	}
	return append([]byte(nil), k.id[i]...)
}

// ChooserSeeds returns the seeds of correlation (self, peer). Secret; owned by k.
func (k *Keyshare) ChooserSeeds() *ot.ChooserSeeds { return k.chooser }

// DeltaSeeds returns the seeds of correlation (peer, self). Secret; owned by k.
func (k *Keyshare) DeltaSeeds() *ot.DeltaSeeds { return k.delta }

// Pending reports the PENDING status (§7.4, §9.1).
func (k *Keyshare) Pending() bool { return k.flags&FlagPending != 0 }

// Exported reports the EXPORTED status (§9.3).
func (k *Keyshare) Exported() bool { return k.flags&FlagExported != 0 }

// Locked reports the LOCKED status with its reason and culprit (NoCulprit = none).
func (k *Keyshare) Locked() (locked bool, reason engineerr.Code, culprit uint8) {
	return k.flags&FlagLocked != 0, engineerr.Code(k.lockReason), k.lockCulprit
}

// Activate clears PENDING: the peer's confirmation arrived late, or a Finish succeeded.
func (k *Keyshare) Activate() { k.flags &^= FlagPending }

// SetExported sets EXPORTED.
func (k *Keyshare) SetExported() { k.flags |= FlagExported }

// Lock sets LOCKED with a reason and culprit (a party index or NoCulprit). A keyshare that is
// already locked keeps its first reason. The caller must persist the record before reporting
// the error or sending anything (§10.3).
func (k *Keyshare) Lock(reason engineerr.Code, culprit uint8) {
	if k.flags&FlagLocked != 0 {
		return
	}
	if reason == 0 || (culprit > 1 && culprit != NoCulprit) {
		panic("keyshare: internal error: invalid lock reason or culprit")
	}
	k.flags |= FlagLocked
	k.lockReason = uint8(reason)
	k.lockCulprit = culprit
}

// MarkRestored locks a keyshare restored from a backup (§10.3 item 5): reason Restored, no
// culprit.
func (k *Keyshare) MarkRestored() { k.Lock(engineerr.Restored, NoCulprit) }

// Wipe overwrites the secrets (best effort, §2.12). The keyshare is unusable afterwards.
func (k *Keyshare) Wipe() {
	if k == nil {
		return
	}
	k.x = secp.Scalar{}
	k.cc = [32]byte{}
	k.chooser.Wipe()
	k.delta.Wipe()
}
