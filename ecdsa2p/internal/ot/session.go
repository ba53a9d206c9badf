package ot

import (
	"fmt"

	"github.com/tandem-mpc/tandem/internal/transcript"
)

// SessionIDs returns the session ids of correlation (R = r, S = s) for one keygen or refresh
// run (PROTOCOL.md §3 and §4):
//
//	sid_ot   = H("tandem/v1/ot/sid",   parent_sid, u8(R), u8(S))
//	sid_pprf = H("tandem/v1/pprf/sid", parent_sid, u8(R), u8(S))
//
// parent_sid is sid_kg (keygen) or sid_rf (refresh). Both contain fresh randomness from both
// parties (σ_0, σ_1), so the ids are fresh per run and differ between the two directions.
func SessionIDs(parentSID [32]byte, r, s uint8) (sidOT, sidPPRF [32]byte) {
	ru, su := transcript.U8(r), transcript.U8(s)
	sidOT = transcript.H(transcript.LabelOTSID, parentSID[:], ru[:], su[:])
	sidPPRF = transcript.H(transcript.LabelPPRFSID, parentSID[:], ru[:], su[:])
	return sidOT, sidPPRF
}

// A Correlation names one OT correlation (R, S) of one run and carries its session ids. R is
// the chooser (base-OT sender, PPRF builder) and S the Δ-holder (base-OT receiver, PPRF
// evaluator), as party indices (PROTOCOL.md §1.2). Errors blame R or S by these indices.
//
// A Correlation is public. Freshness comes from parent_sid; reuse within a run is refused by
// the single-use states built from it. Only [NewCorrelation] makes a usable Correlation.
type Correlation struct {
	R, S    uint8
	SIDOT   [32]byte
	SIDPPRF [32]byte
	derived bool // set by NewCorrelation only: the ids come from a parent_sid
}

// NewCorrelation returns correlation (R = r, S = s) under parentSID. The indices must be 0
// and 1 in some order.
func NewCorrelation(parentSID [32]byte, r, s uint8) (Correlation, error) {
	if r > 1 || s > 1 || r == s {
		return Correlation{}, internalErr("correlation", fmt.Sprintf("party indices (%d, %d) are not 0 and 1", r, s))
	}
	sidOT, sidPPRF := SessionIDs(parentSID, r, s)
	return Correlation{R: r, S: s, SIDOT: sidOT, SIDPPRF: sidPPRF, derived: true}, nil
}

// valid reports whether c was built by NewCorrelation: a literal Correlation, whose session
// ids nobody derived, is refused.
func (c *Correlation) valid() bool { return c.derived && c.R <= 1 && c.S <= 1 && c.R != c.S }
