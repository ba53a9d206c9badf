//go:build unix

package sharefile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile opens (creating it 0600 if needed) and takes an exclusive, non-blocking flock on
// path. The lock belongs to the open file description: a second lockFile on the same path,
// in this process or another, fails with ErrInUse until the first file is closed. The OS
// releases it when the process dies.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sharefile: lock file: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", ErrInUse, path)
		}
		return nil, fmt.Errorf("sharefile: lock %s: %w", path, err)
	}
	return f, nil
}

// unlockFile releases the flock and closes f.
func unlockFile(f *os.File) error {
	uerr := unix.Flock(int(f.Fd()), unix.LOCK_UN)
	cerr := f.Close()
	return errors.Join(uerr, cerr)
}
