// Package cli is the testable body of the relay binary (cmd/relay): flag and environment
// parsing with the precedence of WIRE.md §9.1 (flag > RELAY_* > legacy LISTEN > default), the
// listeners, the admin listener, SIGHUP reloads, the graceful shutdown of §9.5, and the
// healthcheck and version subcommands. The main package only wires signals to Main. With
// --store redis (alias --backend; RELAY_STORE) the relay runs on relay/store/redisstore with
// the --redis-* flags of §9.1, and go-redis's own log lines go to the relay's logger at debug
// level.
//
// # Security model
//
// Secrets (admission tokens and keys, the Redis password) are read only from files, never from
// flags, and the logged configuration redacts them (a Redis URL's user information included).
package cli
