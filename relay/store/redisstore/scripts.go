package redisstore

import (
	"encoding/hex"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-mpc/tandem/relay"
)

// Results of the publish script (its first reply element).
const (
	resStored            = 1
	resDuplicate         = 2
	resCandidatesFull    = 3
	resContributorLimit  = 4
	resDeliveredUnstored = 5
)

// Inbox message kinds (§8.4).
const (
	inboxCandidate = 0x01
	inboxProbe     = 0x02
)

// publishScript is WIRE.md §8.3 "publish". KEYS = [m, w, c1 … cN]; ARGV = [frame, digest,
// ttl_ms, conn, ip, ip_limit, inbox_prefix, self]. Every check comes before the first write,
// and the first write is the SET that adds data, so an OOM refusal leaves nothing behind.
// One addition to §8.3: when the publishing instance (self) is itself among the live members
// of w, the script does not PUBLISH to its inbox but returns a third element 1, and the store
// calls Sink.Deliver before Publish returns, as the memory store does (so a waiter on the
// publishing instance that the next frame of the same connection removes, say by an UNASK,
// still gets what was published while it was registered).
var publishScript = redis.NewScript(`-- tandem relay v1 publish
local n = #KEYS - 2
local frame, digest, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local conn, ip, iplimit, inbox, self = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stale, free, ipcount, owns = {}, nil, 0, false
for k = 1, n do
  local meta = redis.call('HGET', KEYS[1], tostring(k))
  if redis.call('EXISTS', KEYS[k + 2]) == 1 then
    if meta then
      if string.sub(meta, 1, 32) == digest then
        return {2}
      end
      local cl = string.byte(meta, 33) or 0
      if string.sub(meta, 34, 33 + cl) == conn then owns = true end
      local p = string.sub(meta, 34 + cl)
      if ip ~= '' and p == ip then ipcount = ipcount + 1 end
    end
  else
    if meta then stale[#stale + 1] = tostring(k) end
    if not free then free = k end
  end
end
if owns or (iplimit > 0 and ip ~= '' and ipcount >= iplimit) then
  return {4}
end
local function notify(slot)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  local members = redis.call('ZRANGE', KEYS[2], 0, -1)
  local mine = 0
  local msg = nil
  for _, member in ipairs(members) do
    if member == self then
      mine = 1
    else
      if not msg then msg = string.char(1) .. string.char(slot) .. digest .. frame end
      redis.call('PUBLISH', inbox .. member, msg)
    end
  end
  return mine
end
if ttl <= 0 then
  return {5, 0, notify(0)}
end
if not free then
  return {3}
end
redis.call('SET', KEYS[free + 2], frame, 'PX', ttl)
if #stale > 0 then
  redis.call('HDEL', KEYS[1], unpack(stale))
end
redis.call('HSET', KEYS[1], tostring(free), digest .. string.char(#conn) .. conn .. ip)
local pttl = redis.call('PTTL', KEYS[1])
if pttl < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {1, free, notify(free)}
`)

// askScript is WIRE.md §8.3 "ask". KEYS = [m, w, c1 … cN]; ARGV = [instance, ttl_ms]. The
// reply is the flat array [k1, digest1, claimed1, frame1, k2, …].
var askScript = redis.NewScript(`-- tandem relay v1 ask
local n = #KEYS - 2
local inst, ttl = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ttl > 0 then
  local dl = now + ttl
  local old = redis.call('ZSCORE', KEYS[2], inst)
  if old and tonumber(old) > dl then dl = tonumber(old) end
  redis.call('ZADD', KEYS[2], dl, inst)
  local pttl = redis.call('PTTL', KEYS[2])
  if pttl < dl - now then
    redis.call('PEXPIRE', KEYS[2], dl - now)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
end
local out = {}
for k = 1, n do
  local frame = redis.call('GET', KEYS[k + 2])
  local meta = redis.call('HGET', KEYS[1], tostring(k))
  if frame then
    local digest = ''
    if meta then digest = string.sub(meta, 1, 32) end
    local claimed = 0
    local hi = string.byte(frame, 36) or 0
    if hi >= 128 then
      redis.call('DEL', KEYS[k + 2])
      redis.call('HDEL', KEYS[1], tostring(k))
      claimed = 1
    end
    out[#out + 1] = k
    out[#out + 1] = digest
    out[#out + 1] = claimed
    out[#out + 1] = frame
  elseif meta then
    redis.call('HDEL', KEYS[1], tostring(k))
  end
end
return out
`)

// claimScript is WIRE.md §8.3 "claim". KEYS = [m, ck]; ARGV = [k, digest].
var claimScript = redis.NewScript(`-- tandem relay v1 claim
if redis.call('EXISTS', KEYS[2]) == 1 then
  local meta = redis.call('HGET', KEYS[1], ARGV[1])
  if meta and string.sub(meta, 1, 32) == ARGV[2] then
    redis.call('DEL', KEYS[2])
    redis.call('HDEL', KEYS[1], ARGV[1])
    return 1
  end
end
return 0
`)

// keys are the Redis keys of one id (§8.2): P{H}:m, P{H}:w, P{H}:c1 … P{H}:cN.
type keys struct {
	all []string // [m, w, c1 … cN]
}

func (s *Store) keysOf(id relay.MsgID) keys {
	base := s.cfg.Prefix + "{" + hex.EncodeToString(id[:]) + "}:"
	all := make([]string, 2+s.n)
	all[0] = base + "m"
	all[1] = base + "w"
	for k := 1; k <= s.n; k++ {
		all[1+k] = base + "c" + strconv.Itoa(k)
	}
	return keys{all: all}
}

func (k keys) m() string         { return k.all[0] }
func (k keys) w() string         { return k.all[1] }
func (k keys) c(slot int) string { return k.all[1+slot] }
