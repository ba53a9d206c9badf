package bench

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseCPUModel(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"linux", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC  7B13 64-Core Processor\nflags\t: fpu\n", "AMD EPYC 7B13 64-Core Processor"},
		{"first of many", "model name : A\nmodel name : B\n", "A"},
		{"no model", "processor : 0\nvendor_id : x\n", ""},
		{"empty", "", ""},
		{"no colon", "model name AMD\n", ""},
		{"empty value", "model name\t:\n", ""},
		{"control bytes", "model name : A\x1b[31mB\x00C\n", "A [31mB C"},
		{"long", "model name : " + strings.Repeat("x", 300) + "\n", strings.Repeat("x", maxModel)},
		{"crlf", "model name : Z80\r\n", "Z80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseCPUModel([]byte(tt.in)))
		})
	}
}

func TestParseLoadAvg(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"0.52 0.52 1.25 3/109 24908\n", 0.52},
		{"12.00 1 1 1/1 1", 12},
		{"", -1},
		{"   \n", -1},
		{"abc 1 1", -1},
		{"-1.5 1 1", -1},
		{"NaN 1 1", -1},
		{"+Inf 1 1", -1},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, parseLoadAvg([]byte(tt.in)))
		})
	}
}

func FuzzParseCPUModel(f *testing.F) {
	f.Add([]byte("model name\t: AMD EPYC\n"))
	f.Add([]byte("model name : \xff\xfe\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := parseCPUModel(b)
		if len(m) > maxModel {
			t.Fatalf("model of %d bytes", len(m))
		}
		for _, r := range m {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("unprintable %q in %q", r, m)
			}
		}
	})
}

func FuzzParseLoadAvg(f *testing.F) {
	f.Add([]byte("0.52 0.52 1.25 3/109 24908\n"))
	f.Add([]byte("1e400"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		if l := parseLoadAvg(b); l < 0 && l != -1 {
			t.Fatalf("got %v", l)
		}
	})
}
