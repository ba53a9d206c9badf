package relay

import (
	"strconv"
	"strings"
	"time"
)

// FeaturesHeader is the response header of the 101 upgrade that advertises tandem's relay
// extensions (WIRE.md §2.1). Clients that do not know it ignore it.
const FeaturesHeader = "Tandem-Relay"

// Features are the relay extensions a server advertised. The zero value means "an original
// relay": no UNASK, header TTLs kept at or below 255 s.
type Features struct {
	Version    int
	Candidates int
	MaxFrame   int
	MaxAsks    int
	MaxTTL     time.Duration
	Unask      bool
}

// String formats f as the RFC 8941 dictionary sent in the Tandem-Relay header, for example
// "v=1, candidates=4, max-frame=1048576, max-ttl=3600, max-asks=1024, unask".
func (f Features) String() string {
	var b strings.Builder
	b.WriteString("v=")
	b.WriteString(strconv.Itoa(f.Version))
	b.WriteString(", candidates=")
	b.WriteString(strconv.Itoa(f.Candidates))
	b.WriteString(", max-frame=")
	b.WriteString(strconv.Itoa(f.MaxFrame))
	b.WriteString(", max-ttl=")
	b.WriteString(strconv.FormatInt(int64(f.MaxTTL/time.Second), 10))
	b.WriteString(", max-asks=")
	b.WriteString(strconv.Itoa(f.MaxAsks))
	if f.Unask {
		b.WriteString(", unask")
	}
	return b.String()
}

// ParseFeatures reads a Tandem-Relay header value. It is lenient: unknown keys, parameters and
// malformed members are ignored, absent fields stay zero. A header without "v" yields the zero
// Features, so an unknown dialect is treated as an original relay.
func ParseFeatures(v string) Features {
	var f Features
	for _, member := range strings.Split(v, ",") {
		member = strings.TrimSpace(member)
		if i := strings.IndexByte(member, ';'); i >= 0 { // RFC 8941 parameters: ignored
			member = member[:i]
		}
		key, val, hasVal := strings.Cut(member, "=")
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		if !hasVal {
			if key == "unask" {
				f.Unask = true
			}
			continue
		}
		if key == "unask" {
			f.Unask = val == "?1"
			continue
		}
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			continue
		}
		switch key {
		case "v":
			f.Version = int(n)
		case "candidates":
			f.Candidates = int(n)
		case "max-frame":
			f.MaxFrame = int(n)
		case "max-ttl":
			f.MaxTTL = time.Duration(n) * time.Second
		case "max-asks":
			f.MaxAsks = int(n)
		}
	}
	if f.Version == 0 {
		return Features{}
	}
	return f
}
