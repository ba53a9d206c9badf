package main

import (
	"encoding/hex"
	"fmt"
	"os"
)

// transcript collects every payload of every run as "name hex" lines (keygen.k2.p1 …,
// sign1.s3.p2 …), written to the -transcript file so that another implementation can compare
// payload by payload, not only by hash.
type transcript struct{ lines []string }

var full transcript

// add records the payloads of one run: payloads[r][i] is party i's payload of round r+1.
func (t *transcript) add(op, round string, payloads [][2][]byte) {
	for r := range payloads {
		for i := range 2 {
			if p := payloads[r][i]; p != nil {
				t.lines = append(t.lines, fmt.Sprintf("%s.%s%d.p%d %s", op, round, r+1, i+1, hex.EncodeToString(p)))
			}
		}
	}
}

// write stores the lines in path (0644: the values are public test data).
func (t *transcript) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	for _, l := range t.lines {
		if _, err := fmt.Fprintln(f, l); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
