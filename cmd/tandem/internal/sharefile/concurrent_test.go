package sharefile

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Store is safe for concurrent use (run with -race).
func TestConcurrentUse(t *testing.T) {
	ctx := t.Context()
	f, _ := saved(t, 0, Options{InsecurePlaintext: true})
	share := shares(t)[0]
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Go(func() {
			for range 4 {
				if i%2 == 0 {
					errs <- f.Store().Save(ctx, "share", share)
				} else {
					b, err := f.Store().Load(ctx, "share")
					if err == nil && len(b) != len(share) {
						t.Error("short load")
					}
					errs <- err
				}
				f.Restored()
				f.Exists()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
