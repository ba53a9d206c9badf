package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tandem-mpc/tandem/ecdsa2p"
)

// errRefused is P2's refusal through the Approve hook.
var errRefused = errors.New("refused")

// signFlags are sign's own flags.
type signFlags struct {
	share   string
	path    string
	message string
	hash    string
	expect  string
}

// runSign: tandem sign --relay URL --party 1|2 --signer FILE --other VK --instance HEX
// --share SHARE [--path m/0/1] [--message HEX --hash keccak256|sha256] [--expect HEX].
// Party 1 gives the message; party 2 prints what it is asked to sign and signs unless
// --expect (or --hash) disagrees with the request. Both print the signature.
func runSign(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet("sign")
	var pf partyFlags
	pf.register(fset)
	var sf signFlags
	fset.StringVar(&sf.share, "share", "", "this party's share file")
	fset.StringVar(&sf.path, "path", "", "non-hardened BIP-32 path of the signing key (default m, the root key)")
	fset.StringVar(&sf.message, "message", "", "party 1: the message to sign, hex")
	fset.StringVar(&sf.hash, "hash", "", "party 1: keccak256 (default) or sha256; party 2: the hash to insist on")
	fset.StringVar(&sf.expect, "expect", "", "party 2: refuse unless the message is exactly this (hex)")
	if err := parse(e, fset, args); err != nil {
		return err
	}
	req, err := sf.check(pf.party)
	if err != nil {
		return err
	}
	pt, err := pf.resolve(e)
	if err != nil {
		return err
	}
	return pt.withShare(ctx, e, sf.share, func(ctx context.Context, s *ecdsa2p.Session, ks *ecdsa2p.Keyshare) error {
		req.InstanceID, req.Keyshare, req.OtherVK = pt.id, ks, pt.other
		var sig *ecdsa2p.Signature
		var err error
		if pt.index == 1 {
			sig, err = s.SigngenP1(ctx, req.SignRequest)
		} else {
			req.Approve = approver(e, req)
			sig, err = s.SigngenP2(ctx, req.SignRequest)
		}
		if err != nil {
			if errors.Is(err, errRefused) {
				return fmt.Errorf("sign: %w", err)
			}
			return runErr("sign", err)
		}
		return signOutput(e, pt.json, sig)
	})
}

// signReq is the SDK request with party 2's expectations.
type signReq struct {
	ecdsa2p.SignRequest
	expect     []byte
	expectHash ecdsa2p.HashAlg // 0: any
	hasExpect  bool
}

// check validates sign's own flags for the party (before any file is read).
func (sf *signFlags) check(partyFlag string) (*signReq, error) {
	party, err := parseParty(partyFlag)
	if err != nil {
		return nil, err
	}
	path, err := checkPath(sf.path)
	if err != nil {
		return nil, err
	}
	r := &signReq{SignRequest: ecdsa2p.SignRequest{Path: path}}
	var hash ecdsa2p.HashAlg
	if sf.hash != "" {
		if hash, err = ParseHash(sf.hash); err != nil {
			return nil, err
		}
	}
	switch party {
	case 1:
		if sf.expect != "" {
			return nil, errors.New("--expect is for party 2 (party 1 gives --message)")
		}
		if sf.message == "" {
			return nil, errors.New("--message is required for party 1")
		}
		msg, err := ParseHex("message", sf.message)
		if err != nil {
			return nil, err
		}
		if len(msg) == 0 {
			return nil, errors.New("--message: empty")
		}
		if len(msg) > ecdsa2p.MaxSignMessage {
			return nil, fmt.Errorf("--message: %d bytes, at most %d", len(msg), ecdsa2p.MaxSignMessage)
		}
		if hash == 0 {
			hash = ecdsa2p.Keccak256
		}
		r.Message, r.Hash = msg, hash
	default:
		if sf.message != "" {
			return nil, errors.New("--message is for party 1: party 2 receives the message from party 1 (use --expect to insist on one)")
		}
		r.expectHash = hash
		if sf.expect != "" {
			if r.expect, err = ParseHex("expect", sf.expect); err != nil {
				return nil, err
			}
			r.hasExpect = true
		}
	}
	return r, nil
}

// approver returns party 2's Approve hook: it prints the request on stderr and refuses a
// message or hash other than the expected one.
func approver(e *env, r *signReq) ecdsa2p.ApproveMessageFunc {
	return func(_ context.Context, m ecdsa2p.MessageToSign) error {
		d := m.Digest()
		fmt.Fprintf(e.stderr, "tandem sign: party 1 asks to sign message=%s hash=%s digest=%s path=%s\n",
			hex.EncodeToString(m.Message), m.Hash, hex.EncodeToString(d[:]), cmp.Or(r.Path, "m"))
		if r.hasExpect && !bytes.Equal(m.Message, r.expect) {
			return fmt.Errorf("%w: the message differs from --expect %s", errRefused, hex.EncodeToString(r.expect))
		}
		if r.expectHash != 0 && m.Hash != r.expectHash {
			return fmt.Errorf("%w: party 1 asked for %s, --hash says %s", errRefused, m.Hash, r.expectHash)
		}
		return nil
	}
}
