package transcript

// Label is a domain-separation label of PROTOCOL.md §2.13. Every label is used by exactly one
// function ([Kind]) with one fixed field list. Production code uses only the constants below;
// test labels (tandem/v1/test, tandem/v1/test/…) are declared in test files and in the test RNG.
type Label string

// Kind names the one function a [Label] is used with.
type Kind uint8

// The four label kinds of PROTOCOL.md §2.13.
const (
	KindH   Kind = iota + 1 // H, section 2.3
	KindH2S                 // H2S, section 2.4
	KindPRG                 // PRG, section 2.5
	KindH2C                 // H2C, section 2.6
)

// String returns the function name of k as the registry writes it ("H", "H2S", "PRG", "H2C").
func (k Kind) String() string {
	switch k {
	case KindH:
		return "H"
	case KindH2S:
		return "H2S"
	case KindPRG:
		return "PRG"
	case KindH2C:
		return "H2C"
	default:
		return "invalid"
	}
}

// The label registry of PROTOCOL.md §2.13. The comment on each constant is its function and
// field list, in order.
const (
	LabelKeygenSetup      Label = "tandem/v1/keygen/setup"      // H: PARAMS, instance_id, id_0, id_1
	LabelKeygenCommit     Label = "tandem/v1/keygen/commit"     // H: setup_kg, u8(i), σ_i, pt(X_i), cc_i, ω_i
	LabelKeygenSID        Label = "tandem/v1/keygen/sid"        // H: setup_kg, σ_0, σ_1
	LabelKeygenChainCode  Label = "tandem/v1/keygen/chaincode"  // H: sid_kg, cc_0, cc_1
	LabelKeygenTranscript Label = "tandem/v1/keygen/transcript" // H: K1_0, K1_1, K2_0, K2_1, K3_0, K3_1
	LabelKeygenConfirm    Label = "tandem/v1/keygen/confirm"    // H: sid_kg, u8(i), T_kg, pt(Q), cc
	LabelKeyID            Label = "tandem/v1/key/id"            // H: pt(Q), cc
	LabelKeyShareID       Label = "tandem/v1/key/share-id"      // H: key_id, gen_sid

	LabelDlog Label = "tandem/v1/dlog" // H2S: purpose, sid, u8(idx), pt(B), pt(Y), pt(T)

	LabelOTSID Label = "tandem/v1/ot/sid" // H: parent_sid, u8(R), u8(S)
	LabelOTH2C Label = "tandem/v1/ot/h2c" // H2C: sid_ot, u16(t), u8(slot), pt(other point)
	LabelOTKey Label = "tandem/v1/ot/key" // H: sid_ot, u16(t), u8(slot), pt(r_t0), pt(r_t1), pt(B_t,slot), pt(K)

	LabelPPRFSID    Label = "tandem/v1/pprf/sid"    // H: parent_sid, u8(R), u8(S)
	LabelPPRFExpand Label = "tandem/v1/pprf/expand" // PRG: seed = node; sid_pprf, u8(b), u8(h), u8(y)
	LabelPPRFLeaf   Label = "tandem/v1/pprf/leaf"   // H: sid_pprf, u8(b), u8(x), leaf
	LabelPPRFProof  Label = "tandem/v1/pprf/proof"  // H: sid_pprf, Π (32,768 bytes)

	LabelSignSetup  Label = "tandem/v1/sign/setup"   // H: PARAMS, instance_id, id_0, id_1, key_id, share_id, path_enc
	LabelSignCommit Label = "tandem/v1/sign/commit"  // H: setup_sg, u8(i), σ_i, pt(R_i), ω_i
	LabelSignSID    Label = "tandem/v1/sign/sid"     // H: setup_sg, σ_0, σ_1
	LabelSignOTESID Label = "tandem/v1/sign/ote-sid" // H: sign_sid, u8(R), u8(S)

	LabelOTEExpand Label = "tandem/v1/ote/expand" // PRG: seed = leaf; sid_ote, u8(b), u8(x)
	LabelOTEU      Label = "tandem/v1/ote/u"      // H: sid_ote, U (5,120 bytes)
	LabelOTEChi    Label = "tandem/v1/ote/chi"    // H: sid_ote, h_u, u8(half)
	LabelOTEPad    Label = "tandem/v1/ote/pad"    // PRG: seed = column; sid_ote, u16(j)

	LabelRVOLEGadget Label = "tandem/v1/rvole/gadget" // H2S: sid_ote, u16(j)
	LabelRVOLEATilde Label = "tandem/v1/rvole/atilde" // H: sid_ote, Ã (49,152 bytes)
	LabelRVOLETheta  Label = "tandem/v1/rvole/theta"  // H2S: sid_ote, D, u8(k)
	LabelRVOLEMu     Label = "tandem/v1/rvole/mu"     // H: sid_ote, N (16,384 bytes)

	LabelSignRerandomize Label = "tandem/v1/sign/rerandomize" // H2S: sign_sid, pt(R), e_bytes

	LabelRefreshSetup      Label = "tandem/v1/refresh/setup"      // H: PARAMS, instance_id, id_0, id_1, key_id, share_id
	LabelRefreshSID        Label = "tandem/v1/refresh/sid"        // H: setup_rf, σ_0, σ_1
	LabelRefreshTau        Label = "tandem/v1/refresh/tau"        // H2S: sid_rf, pt(Z_0), pt(Z_1), pt(K_rf)
	LabelRefreshTranscript Label = "tandem/v1/refresh/transcript" // H: RF1_0, RF1_1, RF2_0, RF2_1, RF3_0, RF3_1
	LabelRefreshConfirm    Label = "tandem/v1/refresh/confirm"    // H: sid_rf, u8(i), T_rf, pt(Q), cc, pt(X′_0), pt(X′_1)

	LabelExportInfo Label = "tandem/v1/export/info" // H: key_id, share_id, export_id, u8(sender index)

	LabelKeyshareChecksum Label = "tandem/v1/keyshare/checksum" // H: all preceding keyshare bytes
	LabelPresigChecksum   Label = "tandem/v1/presig/checksum"   // H: all preceding pre-signature bytes
)

// Entry is one row of the label registry.
type Entry struct {
	Label  Label
	Kind   Kind
	Fields string // the field list, in order, as PROTOCOL.md §2.13 writes it
}

// registry lists every production label with its function and fields, in the order of
// PROTOCOL.md §2.13.
var registry = [...]Entry{
	{LabelKeygenSetup, KindH, "PARAMS, instance_id, id_0, id_1"},
	{LabelKeygenCommit, KindH, "setup_kg, u8(i), σ_i, pt(X_i), cc_i, ω_i"},
	{LabelKeygenSID, KindH, "setup_kg, σ_0, σ_1"},
	{LabelKeygenChainCode, KindH, "sid_kg, cc_0, cc_1"},
	{LabelKeygenTranscript, KindH, "K1_0, K1_1, K2_0, K2_1, K3_0, K3_1"},
	{LabelKeygenConfirm, KindH, "sid_kg, u8(i), T_kg, pt(Q), cc"},
	{LabelKeyID, KindH, "pt(Q), cc"},
	{LabelKeyShareID, KindH, "key_id, gen_sid"},
	{LabelDlog, KindH2S, "purpose, sid, u8(idx), pt(B), pt(Y), pt(T)"},
	{LabelOTSID, KindH, "parent_sid, u8(R), u8(S)"},
	{LabelOTH2C, KindH2C, "sid_ot, u16(t), u8(slot), pt(other point)"},
	{LabelOTKey, KindH, "sid_ot, u16(t), u8(slot), pt(r_{t,0}), pt(r_{t,1}), pt(B_{t,slot}), pt(K)"},
	{LabelPPRFSID, KindH, "parent_sid, u8(R), u8(S)"},
	{LabelPPRFExpand, KindPRG, "seed = node; sid_pprf, u8(b), u8(h), u8(y)"},
	{LabelPPRFLeaf, KindH, "sid_pprf, u8(b), u8(x), leaf"},
	{LabelPPRFProof, KindH, "sid_pprf, Π"},
	{LabelSignSetup, KindH, "PARAMS, instance_id, id_0, id_1, key_id, share_id, path_enc"},
	{LabelSignCommit, KindH, "setup_sg, u8(i), σ_i, pt(R_i), ω_i"},
	{LabelSignSID, KindH, "setup_sg, σ_0, σ_1"},
	{LabelSignOTESID, KindH, "sign_sid, u8(R), u8(S)"},
	{LabelOTEExpand, KindPRG, "seed = leaf; sid_ote, u8(b), u8(x)"},
	{LabelOTEU, KindH, "sid_ote, U"},
	{LabelOTEChi, KindH, "sid_ote, h_u, u8(half)"},
	{LabelOTEPad, KindPRG, "seed = column; sid_ote, u16(j)"},
	{LabelRVOLEGadget, KindH2S, "sid_ote, u16(j)"},
	{LabelRVOLEATilde, KindH, "sid_ote, Ã"},
	{LabelRVOLETheta, KindH2S, "sid_ote, D, u8(k)"},
	{LabelRVOLEMu, KindH, "sid_ote, N"},
	{LabelSignRerandomize, KindH2S, "sign_sid, pt(R), e_bytes"},
	{LabelRefreshSetup, KindH, "PARAMS, instance_id, id_0, id_1, key_id, share_id"},
	{LabelRefreshSID, KindH, "setup_rf, σ_0, σ_1"},
	{LabelRefreshTau, KindH2S, "sid_rf, pt(Z_0), pt(Z_1), pt(K_rf)"},
	{LabelRefreshTranscript, KindH, "RF1_0, RF1_1, RF2_0, RF2_1, RF3_0, RF3_1"},
	{LabelRefreshConfirm, KindH, "sid_rf, u8(i), T_rf, pt(Q), cc, pt(X′_0), pt(X′_1)"},
	{LabelExportInfo, KindH, "key_id, share_id, export_id, u8(sender index)"},
	{LabelKeyshareChecksum, KindH, "all preceding keyshare bytes"},
	{LabelPresigChecksum, KindH, "all preceding pre-signature bytes"},
}

// Registry returns a copy of the production label registry of PROTOCOL.md §2.13, in the
// specification's order.
func Registry() []Entry {
	out := make([]Entry, len(registry))
	copy(out, registry[:])
	return out
}

// KindOf returns the function registered for label, and false if label is not a production
// label.
func KindOf(label Label) (Kind, bool) {
	for _, e := range registry {
		if e.Label == label {
			return e.Kind, true
		}
	}
	return 0, false
}
