//go:build !unix

package sharefile

import "os"

// lockFile is not implemented off unix: without an OS lock two processes could race on
// one share (PROTOCOL.md §10.3 item 5), so Open refuses.
func lockFile(path string) (*os.File, error) { return nil, ErrNotSupported }

func unlockFile(f *os.File) error { return ErrNotSupported }
