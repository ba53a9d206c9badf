package ecdsa2p

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tandem-mpc/tandem/mpc"
	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/signer"
)

// Session is the SDK's entry point, shaped like the mobile SDK: one party's relay client and
// message signer, and the Store that holds its keyshares, locks and pre-signatures. Each
// call (KeygenP1/P2, SigngenP1/P2, Presign, FinishP1/P2, Refresh) is one or two driver
// sessions (WIRE.md §12.9) on its own relay.Scope of the client, with the instance id and the
// other party's verifying key the two parties agreed out of band (a QR code).
//
// # Keyshares and the Store
//
// The Session keeps every keyshare it makes or is given in its Store under a key named
// after key_id and the party ("keyshare/<key_id hex>/p1"), and the protocols persist the
// LOCKED bit, the CONSUMED marks of pre-signatures and refresh generations there before any
// message that depends on them leaves (see the package's persistence contract). The Store is
// therefore the lock record of PROTOCOL.md §10.3: keep it where a restore of a keyshare
// backup cannot roll it back, and call Keyshare.MarkRestored on a keyshare restored from a
// backup. Without WithStore the Session uses a MemoryStore of its own, which lasts as long
// as the Session.
//
// The process keeps one live Keyshare per Store and key, shared by every Session on that
// Store (PROTOCOL.md §10.3 item 2: one lock mutex per keyshare; a lock set through one
// Session is seen by all). Pass the Keyshare that KeygenP1/P2, Refresh or an earlier call
// returned. Another Keyshare value of a generation the live one or the Store holds (parsed
// from your own storage) is replaced by it, the Store's record winning (it may be LOCKED or
// newer); a lock the value carries is merged in and persisted, never dropped. A Keyshare
// whose generation the Store does not hold, while it holds another generation of the same
// key, is refused with ErrKeyshareConflict. Several processes on one Store need a lock of
// their own around each call (PROTOCOL.md Q11; the CLI uses flock).
//
// A Session is safe for concurrent use; concurrent calls need distinct instance ids.
type Session struct {
	client  *relay.Client
	self    signer.Signer
	st      Store
	raw     bool
	timeout time.Duration
	linger  time.Duration
	logger  *slog.Logger
}

// SessionOption configures a Session.
type SessionOption func(*Session)

// WithStore makes the Session keep keyshares, locks and pre-signatures in st (default: a
// MemoryStore of its own). st must meet the Store contract (durable, atomic Save).
func WithStore(st Store) SessionOption { return func(s *Session) { s.st = st } }

// WithRawDigest enables raw-digest mode (PROTOCOL.md 8.6, WIRE.md §12.9): as P1 the
// Session may send a bare 32-byte digest (SignRequest.Hash = RawDigest), and as P2 it
// accepts one. Both parties must enable it; P2 then signs a digest it cannot check.
func WithRawDigest() SessionOption { return func(s *Session) { s.raw = true } }

// WithTimeout sets the deadline of each driver session when ctx has none (default
// mpc.DefaultTimeout).
func WithTimeout(d time.Duration) SessionOption { return func(s *Session) { s.timeout = d } }

// WithLinger sets how long each call's relay.Scope stays open after the call returned
// (default DefaultLinger): while it is open, the client keeps this party's published frames
// and re-publishes them after a reconnect, so a peer one round behind still gets them if
// the relay restarts meanwhile. It costs memory: about 60 KB per signature per party.
func WithLinger(d time.Duration) SessionOption { return func(s *Session) { s.linger = d } }

// DefaultLinger is the default of WithLinger.
const DefaultLinger = 5 * time.Second

// WithLogger sets the logger of the driver sessions (default: none).
func WithLogger(l *slog.Logger) SessionOption { return func(s *Session) { s.logger = l } }

// NewSession returns a Session for the party that signs its messages with self and talks to
// the relay through client. The Session does not own client: close it yourself.
func NewSession(client *relay.Client, self signer.Signer, opts ...SessionOption) *Session {
	s := &Session{client: client, self: self, linger: DefaultLinger}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.st == nil {
		s.st = &MemoryStore{}
	}
	return s
}

// RandomInstanceID returns a fresh instance id from crypto/rand, to share with the other
// party out of band together with this party's verifying key. Use a fresh id for every call.
func RandomInstanceID() mpc.InstanceID { return mpc.RandomInstanceID() }

// ErrKeyshareConflict: the Session's Store holds a different generation of the keyshare's
// key than the Keyshare passed in (a stale copy from before a refresh, or a copy from another
// device). Use the Keyshare the Session returned, or LoadKeyshare from the Store.
var ErrKeyshareConflict = errors.New("ecdsa2p: the store holds another generation of this key")

// ErrSessionConfig reports a call that cannot start: a missing keyshare or verifying key,
// the wrong party, a verifying key that is not the keyshare's peer, a message or hash the
// request does not allow. Nothing was sent. NewPresign, NewRefresh and the finish
// constructors return it too for keys that are not the keyshare's identities.
var ErrSessionConfig = errors.New("ecdsa2p: invalid session request")

func configError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSessionConfig, fmt.Sprintf(format, args...))
}

// KeygenP1 runs key generation as party 1 with the party whose verifying key is other, under
// the agreed instance id (PROTOCOL.md §7). It returns the keyshare, already in the Store.
//
// A keygen that ended after this party sent its confirmation (K4) but before the peer's
// arrived returns the keyshare with status PENDING together with an error matching
// ErrIncomplete (PROTOCOL.md §7.4): the key exists, the peer may hold it ACTIVE, and the
// first successful signature promotes it. Treat it as "not yet confirmed", never as success.
func (s *Session) KeygenP1(ctx context.Context, id mpc.InstanceID, other signer.VerifyingKey) (*Keyshare, error) {
	return s.keygen(ctx, 0, id, other)
}

// KeygenP2 is KeygenP1 for party 2.
func (s *Session) KeygenP2(ctx context.Context, id mpc.InstanceID, other signer.VerifyingKey) (*Keyshare, error) {
	return s.keygen(ctx, 1, id, other)
}

func (s *Session) keygen(ctx context.Context, index int, id mpc.InstanceID, other signer.VerifyingKey) (*Keyshare, error) {
	if err := s.ready(other); err != nil {
		return nil, err
	}
	cfg, done := s.config(id, other)
	defer done()
	kg, err := newKeygen(cfg, index, s.st, "", hooks{keyFn: storeKey})
	if err != nil {
		return nil, err
	}
	ks, err := runKeygen(ctx, cfg, kg)
	if ks != nil {
		s.register(ks)
	}
	return ks, err
}

// Refresh runs a key refresh (PROTOCOL.md §9.1) of ks with the other party under a fresh
// agreed instance id: both parties get new shares of the same key (same public key and
// address) and new OT correlations. It is the only way out of a lock. It returns the live
// keyshare, updated and stored; a refresh whose last message never came returns it with an
// error matching ErrIncomplete (both generations kept; the first signature on the new one
// promotes it).
func (s *Session) Refresh(ctx context.Context, id mpc.InstanceID, ks *Keyshare, other signer.VerifyingKey) (*Keyshare, error) {
	if err := s.ready(other); err != nil {
		return nil, err
	}
	live, key, err := s.resolve(ctx, ks)
	if err != nil {
		return nil, err
	}
	res, err := s.refreshOnce(ctx, id, live, key, other, pendingFirst(live))
	if err != nil && res == nil && setupMismatch(err) {
		res, err = s.refreshOnce(ctx, mpc.SubInstance(id, fallbackName), live, key, other, nil)
	}
	return res, err
}

func (s *Session) refreshOnce(ctx context.Context, id mpc.InstanceID, live *Keyshare, key string, other signer.VerifyingKey, opts []Option) (*Keyshare, error) {
	cfg, done := s.config(id, other)
	defer done()
	rf, err := NewRefresh(cfg, live, s.st, key, opts...)
	if err != nil {
		return nil, err
	}
	runErr := run(ctx, cfg, LabelRefresh, rf)
	res, err := rf.Result()
	switch {
	case runErr == nil:
		return res, err
	case errors.Is(err, ErrIncomplete):
		return res, errors.Join(ErrIncomplete, runErr)
	}
	return nil, runErr
}

// ready checks what every call needs.
func (s *Session) ready(other signer.VerifyingKey) error {
	switch {
	case s == nil || s.client == nil:
		return configError("session without a relay client")
	case s.self == nil:
		return configError("session without a message signer")
	case other.IsZero():
		return configError("no verifying key for the other party")
	case other == s.self.VerifyingKey():
		return configError("the other party's verifying key is this party's own")
	}
	return nil
}

// config returns the driver configuration of one session on a fresh Scope of the client,
// and the function that lets the Scope go. The Scope outlives the call by the linger
// (WithLinger), so that this party's last frames stay published (and are re-published after
// a reconnect) while the peer may still be fetching them.
func (s *Session) config(id mpc.InstanceID, other signer.VerifyingKey) (mpc.Config, func()) {
	sc := s.client.Scope()
	cfg := mpc.Config{
		Instance:       id,
		Self:           s.self,
		Peer:           other,
		Transport:      sc,
		DefaultTimeout: s.timeout,
		Logger:         s.logger,
	}
	return cfg, func() { time.AfterFunc(s.linger, func() { _ = sc.Close() }) }
}

// storeKey is the Store key of a keyshare: key_id and party, no secret.
func storeKey(keyID [32]byte, index int) string {
	return "keyshare/" + hex.EncodeToString(keyID[:]) + "/p" + strconv.Itoa(index+1)
}

// holds reports whether k holds the generation shareID.
func (k *Keyshare) holds(shareID [32]byte) bool {
	if k.ShareID() == shareID {
		return true
	}
	p, ok := k.PendingShareID()
	return ok && p == shareID
}
