package listener

import "sync"

// seenSet remembers the last n delivery ids, so memory stays bounded however long the
// listener runs: the oldest id is forgotten first.
type seenSet struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []string
	next int
}

func newSeenSet(n int) *seenSet {
	return &seenSet{ids: make(map[string]struct{}, min(n, 4096)), ring: make([]string, n)}
}

// seen records id and reports whether it was already there.
func (s *seenSet) seen(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return true
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.ids[id] = struct{}{}
	return false
}
