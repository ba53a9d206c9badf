package transcript

import "testing"

func BenchmarkH(b *testing.B) {
	sid, leaf := make([]byte, 32), make([]byte, 32)
	b.ReportAllocs()
	for b.Loop() {
		bb, x := U8(3), U8(9)
		_ = H(LabelPPRFLeaf, sid, bb[:], x[:], leaf)
	}
}

// BenchmarkOTKey hashes the base-OT key derivation, without and with a cached prefix.
func BenchmarkOTKey(b *testing.B) {
	sid, pt := make([]byte, 32), make([]byte, 33)
	u16, u8 := U16(7), U8(1)
	b.Run("H", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = H(LabelOTKey, sid, u16[:], u8[:], pt, pt, pt, pt)
		}
	})
	b.Run("Prefix", func(b *testing.B) {
		p := NewPrefix(LabelOTKey, sid)
		b.ReportAllocs()
		for b.Loop() {
			_ = p.Sum(u16[:], u8[:], pt, pt, pt, pt)
		}
	})
}

func BenchmarkPRGInto(b *testing.B) {
	sid := make([]byte, 32)
	var seed [32]byte
	b.Run("Expand80", func(b *testing.B) {
		var dst [80]byte
		bb, x := U8(3), U8(9)
		b.ReportAllocs()
		for b.Loop() {
			PRGInto(dst[:], LabelOTEExpand, seed, sid, bb[:], x[:])
		}
	})
	b.Run("Pad192", func(b *testing.B) {
		var dst [192]byte
		j := U16(300)
		b.ReportAllocs()
		for b.Loop() {
			PRGInto(dst[:], LabelOTEPad, seed, sid, j[:])
		}
	})
	b.Run("PPRFExpand64", func(b *testing.B) {
		var dst [64]byte
		bb, hh, y := U8(3), U8(1), U8(0)
		b.ReportAllocs()
		for b.Loop() {
			PRGInto(dst[:], LabelPPRFExpand, seed, sid, bb[:], hh[:], y[:])
		}
	})
}

func BenchmarkHLarge(b *testing.B) {
	sid, u := make([]byte, 32), make([]byte, 5120)
	b.SetBytes(int64(len(u)))
	b.ReportAllocs()
	for b.Loop() {
		_ = H(LabelOTEU, sid, u)
	}
}
