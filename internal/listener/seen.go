package listener

import (
	"crypto/sha256"
	"sync"
)

// idDigest is what the duplicate check keeps of a delivery id: 128 bits of SHA-256 of
// the provider, a NUL and the id. An id is whatever a sender put in it (5 MB ids
// once held 2.9 GB); a digest is 16 bytes however long the id, and a collision between
// two different ids needs about 2^64 of them.
type idDigest [16]byte

func digestOf(provider, id string) idDigest {
	// Short ids (nearly all) are hashed from a buffer on the stack.
	var buf [128]byte
	b := append(buf[:0], provider...)
	b = append(b, 0)
	b = append(b, id...)
	sum := sha256.Sum256(b)
	return idDigest(sum[:16])
}

// seenSet remembers the digests of the last n delivery ids, so memory stays bounded in
// bytes however long the listener runs and whatever the ids hold: the oldest id is
// forgotten first.
type seenSet struct {
	mu   sync.Mutex
	ids  map[idDigest]struct{}
	ring []idDigest
	used int // ring entries in use, up to len(ring)
	next int
}

func newSeenSet(n int) *seenSet {
	return &seenSet{ids: make(map[idDigest]struct{}, min(n, 4096)), ring: make([]idDigest, n)}
}

// seen records provider's delivery id and reports whether it was already there.
func (s *seenSet) seen(provider, id string) bool {
	k := digestOf(provider, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[k]; ok {
		return true
	}
	if s.used == len(s.ring) {
		delete(s.ids, s.ring[s.next])
	} else {
		s.used++
	}
	s.ring[s.next] = k
	s.next = (s.next + 1) % len(s.ring)
	s.ids[k] = struct{}{}
	return false
}
