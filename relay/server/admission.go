package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// admission holds the pre-upgrade checks of WIRE.md §4: client address, origin, credentials,
// handshake rate and per-IP connection counts.
type admission struct {
	cfg     *Config
	origins []originPattern
	anyOrig bool
	auth    *authenticator

	mu      sync.Mutex
	perIP   map[netip.Prefix]int
	buckets map[netip.Prefix]*bucket
}

type originPattern struct {
	scheme, host, port string
	wildcard           bool // host was "*.suffix": matches any strict subdomain of host
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newAdmission(cfg *Config) (*admission, error) {
	a := &admission{cfg: cfg, perIP: make(map[netip.Prefix]int), buckets: make(map[netip.Prefix]*bucket)}
	for _, o := range cfg.AllowedOrigins {
		if o == "*" {
			a.anyOrig = true
			continue
		}
		p, ok := parseOrigin(strings.ToLower(strings.TrimSpace(o)))
		if !ok {
			continue // validate rejected malformed entries already
		}
		if strings.HasPrefix(p.host, "*.") {
			p.wildcard = true
			p.host = p.host[2:]
		}
		a.origins = append(a.origins, p)
	}
	auth, err := newAuthenticator(cfg.Auth, cfg.AuthSecretFile)
	if err != nil {
		return nil, err
	}
	a.auth = auth
	return a, nil
}

func parseOrigin(o string) (originPattern, bool) {
	scheme, rest, ok := strings.Cut(o, "://")
	if !ok || scheme == "" || rest == "" {
		return originPattern{}, false
	}
	rest = strings.TrimSuffix(rest, "/")
	host, port := rest, ""
	if h, p, err := net.SplitHostPort(rest); err == nil {
		host, port = h, p
	}
	return originPattern{scheme: scheme, host: host, port: port}, true
}

// originAllowed applies §4.4: no Origin header is always accepted.
func (a *admission) originAllowed(origin string) bool {
	if origin == "" || a.anyOrig {
		return true
	}
	got, ok := parseOrigin(strings.ToLower(origin))
	if !ok {
		return false
	}
	for _, p := range a.origins {
		if p.scheme != got.scheme || p.port != got.port {
			continue
		}
		if p.wildcard {
			if strings.HasSuffix(got.host, "."+p.host) {
				return true
			}
		} else if p.host == got.host {
			return true
		}
	}
	return false
}

// clientIP returns the client address of §4.2: the TCP peer, or, when that peer is a trusted
// proxy, the right-most X-Forwarded-For entry that is not itself a trusted proxy.
func (a *admission) clientIP(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	var ip netip.Addr
	if err == nil {
		ip = peer.Addr().Unmap()
	} else if addr, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		ip = addr.Unmap()
	}
	if !a.trusted(ip) {
		return ip
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		addr, err := netip.ParseAddr(h)
		if err != nil {
			if ap, err2 := netip.ParseAddrPort(h); err2 == nil {
				addr = ap.Addr()
			} else {
				return ip // malformed entry: stop at the last address we can vouch for
			}
		}
		addr = addr.Unmap()
		if !a.trusted(addr) {
			return addr
		}
		ip = addr
	}
	return ip
}

func (a *admission) trusted(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// prefix masks ip to the grouping unit of the per-IP limits: /32 for IPv4, /--ipv6-prefix for
// IPv6 (§4.2). The zero Addr maps to the zero Prefix.
func (a *admission) prefix(ip netip.Addr) netip.Prefix {
	if !ip.IsValid() {
		return netip.Prefix{}
	}
	ip = ip.Unmap()
	bits := 32
	if ip.Is6() {
		bits = a.cfg.IPv6Prefix
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}

// handshakeAllowed spends a token of the prefix's handshake bucket (--handshake-rate/-burst).
func (a *admission) handshakeAllowed(p netip.Prefix) bool {
	rate := a.cfg.HandshakeRate
	if rate <= 0 {
		return true
	}
	burst := float64(a.cfg.HandshakeBurst)
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.buckets[p]
	if b == nil {
		if len(a.buckets) >= 1<<14 {
			a.pruneBucketsLocked(now, rate, burst)
		}
		b = &bucket{tokens: burst, at: now}
		a.buckets[p] = b
	} else {
		b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
		b.at = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// pruneBucketsLocked forgets buckets that have refilled completely (they equal a new bucket).
func (a *admission) pruneBucketsLocked(now time.Time, rate, burst float64) {
	for p, b := range a.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= burst {
			delete(a.buckets, p)
		}
	}
}

// acquireIP counts a connection for p unless p is at --max-conns-per-ip.
func (a *admission) acquireIP(p netip.Prefix) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if max := a.cfg.MaxConnsPerIP; max > 0 && a.perIP[p] >= max {
		return false
	}
	a.perIP[p]++
	return true
}

// forceIP counts a connection for p without a limit (links served by ServeLink).
func (a *admission) forceIP(p netip.Prefix) {
	a.mu.Lock()
	a.perIP[p]++
	a.mu.Unlock()
}

func (a *admission) releaseIP(p netip.Prefix) {
	a.mu.Lock()
	if n := a.perIP[p] - 1; n > 0 {
		a.perIP[p] = n
	} else {
		delete(a.perIP, p)
	}
	a.mu.Unlock()
}

// authenticate applies §4.3 and returns the token subject (hmac mode).
func (a *admission) authenticate(r *http.Request) (string, bool) {
	if a.auth == nil {
		return "", true
	}
	tok := ""
	if h := r.Header.Get("Authorization"); h != "" {
		if v, ok := strings.CutPrefix(h, "Bearer "); ok {
			tok = strings.TrimSpace(v)
		}
	} else {
		tok = r.URL.Query().Get("access_token")
	}
	if tok == "" {
		return "", false
	}
	return a.auth.check(tok, time.Now())
}
