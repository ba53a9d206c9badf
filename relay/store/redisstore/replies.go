package redisstore

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/tandem-mpc/tandem/relay"
	"github.com/tandem-mpc/tandem/relay/store"
)

// parsePublishReply maps the publish script's reply {result[, slot, self_notified]} to a
// status, the slot of a stored (or TTL-0, slot 0) candidate and whether this instance has a
// live waiter to notify in-process.
func parsePublishReply(reply any, n int) (status store.PublishStatus, slot uint8, mine bool, err error) {
	arr, ok := reply.([]any)
	if !ok || len(arr) == 0 || len(arr) > 3 {
		return 0, 0, false, fmt.Errorf("publish: unexpected reply %T", reply)
	}
	ints := make([]int64, len(arr))
	for i, v := range arr {
		x, ok := v.(int64)
		if !ok {
			return 0, 0, false, fmt.Errorf("publish: unexpected element %T", v)
		}
		ints[i] = x
	}
	switch ints[0] {
	case resStored, resDeliveredUnstored:
		if len(ints) != 3 || ints[1] < 0 || ints[1] > int64(n) || (ints[0] == resStored) != (ints[1] > 0) {
			return 0, 0, false, fmt.Errorf("publish: malformed reply %v", ints)
		}
		status = store.Stored
		if ints[0] == resDeliveredUnstored {
			status = store.DeliveredUnstored
		}
		return status, uint8(ints[1]), ints[2] == 1, nil
	case resDuplicate:
		return store.Duplicate, 0, false, nil
	case resCandidatesFull:
		return store.CandidatesFull, 0, false, nil
	case resContributorLimit:
		return store.ContributorLimit, 0, false, nil
	}
	return 0, 0, false, fmt.Errorf("publish: unknown result %d", ints[0])
}

// parseAskReply parses the flat [k, digest, claimed, frame, …] reply of the ask script. Slots
// must lie in 1..n; frames shorter than the header are refused; a missing digest (meta field
// lost) is recomputed from the frame.
func parseAskReply(reply any, n int) ([]store.Candidate, error) {
	arr, ok := reply.([]any)
	if !ok {
		return nil, fmt.Errorf("ask: unexpected reply %T", reply)
	}
	if len(arr)%4 != 0 || len(arr)/4 > n {
		return nil, fmt.Errorf("ask: reply of %d elements", len(arr))
	}
	var out []store.Candidate
	for i := 0; i < len(arr); i += 4 {
		slot, ok1 := arr[i].(int64)
		digest, ok2 := arr[i+1].(string)
		claimed, ok3 := arr[i+2].(int64)
		frame, ok4 := arr[i+3].(string)
		if !ok1 || !ok2 || !ok3 || !ok4 || slot < 1 || slot > int64(n) || len(frame) < relay.HeaderSize {
			return nil, fmt.Errorf("ask: malformed candidate %d", i/4)
		}
		c := store.Candidate{Frame: []byte(frame), Slot: uint8(slot), Claimed: claimed == 1}
		if len(digest) == sha256.Size {
			copy(c.Digest[:], digest)
		} else {
			c.Digest = sha256.Sum256(c.Frame[relay.HeaderSize:])
		}
		c.OneReceiver = binary.LittleEndian.Uint16(c.Frame[34:36])&relay.FlagOneReceiver != 0
		out = append(out, c)
	}
	return out, nil
}
