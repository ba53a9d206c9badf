package redisstore_test

import (
	"log/slog"

	"github.com/tandem-mpc/tandem/relay/server"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// metricValue returns the value of a counter or gauge of srv's registry, the series with the
// given label value (or the unlabelled one when label is ""), summed; 0 when absent.
func metricValue(srv *server.Server, name, label string) float64 {
	mfs, err := srv.Registry().Gather()
	if err != nil {
		return 0
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := label == ""
			for _, lp := range m.GetLabel() {
				if lp.GetValue() == label {
					match = true
				}
			}
			if !match {
				continue
			}
			switch {
			case m.GetCounter() != nil:
				sum += m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				sum += m.GetGauge().GetValue()
			}
		}
	}
	return sum
}
