package server

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// hmacTokenLabel is the domain separator of the HMAC admission token (WIRE.md §4.3).
const hmacTokenLabel = "tandem/v1/relay-token"

// Bounds of the hmac token's expiry check (§4.3).
const (
	tokenSkew   = 30 * time.Second
	tokenMaxAge = 24 * time.Hour
)

// errBadSecretFile reports an unusable --auth-secret-file. The message never quotes a line.
var errBadSecretFile = errors.New("server: auth secret file")

// authenticator checks admission tokens. Secrets live only here: they never print and are
// re-read by Reload (SIGHUP).
type authenticator struct {
	mode, path string

	mu      sync.RWMutex
	digests [][32]byte        // shared: SHA256 of each accepted token
	keys    map[byte][32]byte // hmac: key per kid
}

func newAuthenticator(mode, path string) (*authenticator, error) {
	if mode == AuthNone || mode == "" {
		return nil, nil
	}
	a := &authenticator{mode: mode, path: path}
	if err := a.reload(); err != nil {
		return nil, err
	}
	return a, nil
}

// String redacts the authenticator.
func (a *authenticator) String() string { return "authenticator(" + a.mode + ", [REDACTED])" }

// reload re-reads the secret file; on error the previous secrets stay in force.
func (a *authenticator) reload() error {
	raw, err := os.ReadFile(a.path)
	if err != nil {
		return fmt.Errorf("%w: %v", errBadSecretFile, err)
	}
	var digests [][32]byte
	keys := make(map[byte][32]byte)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		switch a.mode {
		case AuthShared:
			digests = append(digests, sha256.Sum256([]byte(line)))
		case AuthHMAC:
			kidText, keyHex, ok := strings.Cut(line, " ")
			kid, err1 := strconv.ParseUint(strings.TrimSpace(kidText), 10, 8)
			key, err2 := hex.DecodeString(strings.TrimSpace(keyHex))
			if !ok || err1 != nil || err2 != nil || len(key) != 32 {
				return fmt.Errorf("%w: line %d: want \"<kid> <64 hex digits>\"", errBadSecretFile, lineNo)
			}
			keys[byte(kid)] = [32]byte(key)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %v", errBadSecretFile, err)
	}
	if len(digests) == 0 && len(keys) == 0 {
		return fmt.Errorf("%w: no secrets", errBadSecretFile)
	}
	a.mu.Lock()
	a.digests, a.keys = digests, keys
	a.mu.Unlock()
	return nil
}

// check verifies tok at time now and returns the subject (hmac) on success.
func (a *authenticator) check(tok string, now time.Time) (string, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	switch a.mode {
	case AuthShared:
		d := sha256.Sum256([]byte(tok))
		ok := 0
		for i := range a.digests {
			ok |= subtle.ConstantTimeCompare(d[:], a.digests[i][:])
		}
		return "", ok == 1
	case AuthHMAC:
		return verifyHMACToken(tok, a.keys, now)
	}
	return "", false
}

// verifyHMACToken checks a token of §4.3:
// base64url-nopad( ver ‖ exp ‖ kid ‖ sublen ‖ sub ‖ mac ).
func verifyHMACToken(tok string, keys map[byte][32]byte, now time.Time) (string, bool) {
	if len(tok) > 256 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) < 1+8+1+1+32 || raw[0] != 0x01 {
		return "", false
	}
	sublen := int(raw[10])
	if sublen > 64 || len(raw) != 11+sublen+32 {
		return "", false
	}
	exp := time.Unix(int64(min(binary.BigEndian.Uint64(raw[1:9]), 1<<62)), 0)
	if exp.Before(now.Add(-tokenSkew)) || exp.After(now.Add(tokenMaxAge)) {
		return "", false
	}
	key, ok := keys[raw[9]]
	if !ok {
		return "", false
	}
	body := raw[:11+sublen]
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(hmacTokenLabel))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), raw[11+sublen:]) {
		return "", false
	}
	return string(raw[11 : 11+sublen]), true
}

// ReloadAuth re-reads --auth-secret-file (cmd/relay calls it on SIGHUP). On error the previous
// secrets stay in force.
func (s *Server) ReloadAuth() error {
	if err := s.init(); err != nil {
		return err
	}
	if s.adm.auth == nil {
		return nil
	}
	return s.adm.auth.reload()
}
