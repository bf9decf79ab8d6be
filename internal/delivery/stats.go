package delivery

import (
	"math/bits"
	"time"
)

// Latencies is a fixed-size histogram of durations: memory stays the same however
// many deliveries a replay sends. Buckets are exact below 128 µs and within 1/64
// (1.6 %) above.
type Latencies struct {
	counts [histBuckets]uint64
	n      uint64
}

const (
	subBits     = 7
	histBuckets = 1<<subBits + (64-subBits)*(1<<(subBits-1))
)

func bucketOf(us uint64) int {
	if us < 1<<subBits {
		return int(us)
	}
	e := bits.Len64(us) - subBits // ≥ 1
	mant := us >> e               // in [64, 128)
	return 1<<subBits + (e-1)*(1<<(subBits-1)) + int(mant) - 1<<(subBits-1)
}

// bucketValue is the middle of a bucket, in microseconds.
func bucketValue(i int) uint64 {
	if i < 1<<subBits {
		return uint64(i)
	}
	j := i - 1<<subBits
	e := j/(1<<(subBits-1)) + 1
	mant := uint64(j%(1<<(subBits-1)) + 1<<(subBits-1))
	return mant<<e + (1<<e)/2
}

// Add records one duration.
func (l *Latencies) Add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	l.counts[bucketOf(uint64(d/time.Microsecond))]++
	l.n++
}

// Quantile returns the q-quantile (0 < q ≤ 1), or 0 when nothing was recorded.
func (l *Latencies) Quantile(q float64) time.Duration {
	if l.n == 0 {
		return 0
	}
	rank := uint64(q*float64(l.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range l.counts {
		seen += c
		if seen >= rank {
			return time.Duration(bucketValue(i)) * time.Microsecond
		}
	}
	return 0
}
