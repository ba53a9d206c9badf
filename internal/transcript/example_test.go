package transcript_test

import (
	"fmt"

	"github.com/tandem-mpc/tandem/internal/transcript"
)

func ExampleH() {
	d := transcript.H("tandem/v1/test", []byte("a"), []byte("bc"))
	fmt.Printf("%x\n", d)
	// Output: c04e4958030855a264d604b9b6fb451d771a532eaa89c5db5ecaf0152d01a4b5
}

func ExamplePRGInto() {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(i)
	}
	out := make([]byte, 16)
	transcript.PRGInto(out, "tandem/v1/test/prg", seed, []byte("ctx"))
	fmt.Printf("%x\n", out)
	// Output: cc1b63d21eff7025ae9cc59de3704c6e
}

// A Hasher streams a large field without materialising it, and a Prefix hashes a constant
// label-and-session-id prefix once for many messages.
func ExampleHasher() {
	sid := make([]byte, 32)
	h := transcript.NewHasher()
	h.Reset("tandem/v1/test")
	h.Field(sid)
	h.FieldHeader(64) // a 64-byte field, written in two halves
	h.Write(make([]byte, 32))
	h.Write(make([]byte, 32))
	streamed := h.Sum()

	p := transcript.NewPrefix("tandem/v1/test", sid)
	fmt.Println(streamed == p.Sum(make([]byte, 64)))
	fmt.Println(streamed == transcript.H("tandem/v1/test", sid, make([]byte, 64)))
	// Output:
	// true
	// true
}
