package redisstore

import (
	"fmt"
	"log/slog"
	"net/url"
)

// Password is a Redis password (AUTH/ACL). It never prints: every fmt verb, %#v and slog show
// "[REDACTED]". Reveal returns the text for the client.
type Password string

const redacted = "[REDACTED]"

// Reveal returns the password text.
func (p Password) Reveal() string { return string(p) }

// String implements fmt.Stringer without the secret.
func (p Password) String() string { return redacted }

// GoString implements fmt.GoStringer without the secret.
func (p Password) GoString() string { return redacted }

// Format implements fmt.Formatter: every verb prints "[REDACTED]".
func (p Password) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer without the secret.
func (p Password) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler without the secret (encoding/json, slog's
// JSON handler).
func (p Password) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// redactURL replaces the user information of a Redis URL (which may hold a password).
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparseable URL]"
	}
	if u.User != nil {
		u.User = url.User(redacted)
	}
	return u.String()
}

// summary is Config without secrets, for printing and logging.
func (cfg Config) summary() string {
	return fmt.Sprintf("redisstore.Config{URL:%s Password:%s SentinelMaster:%q SentinelAddrs:%v ClusterAddrs:%v "+
		"Prefix:%q InstanceID:%q Limits:%+v OpTimeout:%v ProbeInterval:%v ReconcileInterval:%v WaitReplicas:%d}",
		redactURL(cfg.URL), redacted, cfg.SentinelMaster, cfg.SentinelAddrs, cfg.ClusterAddrs, cfg.Prefix,
		cfg.InstanceID, cfg.Limits, cfg.OpTimeout, cfg.ProbeInterval, cfg.ReconcileInterval, cfg.WaitReplicas)
}

// Format implements fmt.Formatter: every verb prints the configuration with the URL's user
// information and the password redacted.
func (cfg Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(cfg.summary())) }

// LogValue implements slog.LogValuer with the same redaction.
func (cfg Config) LogValue() slog.Value { return slog.StringValue(cfg.summary()) }
