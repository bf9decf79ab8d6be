package scenario

import (
	"math/rand/v2"
	"time"
)

// Kind says what a send is to the receiver.
type Kind string

// The kinds of send.
const (
	// First is a step's delivery, sent for the first time.
	First Kind = "first"
	// Duplicate is the same request again, byte for byte, as an at-least-once provider
	// sends it.
	Duplicate Kind = "duplicate"
	// Dropped is a step's first delivery lost on the way: nothing is sent, and a Retry
	// follows later.
	Dropped Kind = "dropped"
	// Retry is a dropped delivery sent again later, as the provider's retry would:
	// same id and body, signed again.
	Retry Kind = "retry"
)

// Chaos are the ways a run departs from the scenario's order.
type Chaos struct {
	// Shuffle sends the steps in a random order.
	Shuffle bool
	// Duplicate is the chance (0 to 1) that a delivery is sent again, at a random
	// later point: right after it, or after later deliveries.
	Duplicate float64
	// Drop loses the first Drop deliveries; each is retried at a random later point.
	Drop int
	// Delay is the most each send waits before it goes (a random jitter).
	Delay time.Duration
	// Seed makes the plan reproducible: the same seed gives the same plan.
	Seed uint64
}

// Send is one entry of a plan.
type Send struct {
	// Step indexes the scenario's steps.
	Step int
	Kind Kind
	// Jitter is the random delay before this send (Chaos.Delay).
	Jitter time.Duration
}

// Plan orders n steps' sends under c. Without chaos it is the steps in order, each
// once. Everything random comes from one source seeded with c.Seed, drawn in a fixed
// order (shuffle, drops, duplicates, jitter), so a seed names one plan.
func Plan(n int, c Chaos) []Send {
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if c.Shuffle {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	plan := make([]Send, 0, n+c.Drop)
	for _, s := range order {
		plan = append(plan, Send{Step: s, Kind: First})
	}
	drop := min(c.Drop, n)
	for i := 0; i < drop; i++ {
		plan[i].Kind = Dropped
	}
	// Retries come after the delivery they retry and after at least one other
	// delivery, as a provider's retry waits; positions are drawn as the plan grows.
	for i := 0; i < len(plan); i++ {
		if plan[i].Kind != Dropped {
			continue
		}
		at := len(plan)
		if room := len(plan) - i - 1; room > 0 {
			at = i + 2 + rng.IntN(room)
		}
		plan = insert(plan, at, Send{Step: plan[i].Step, Kind: Retry})
	}
	if c.Duplicate > 0 {
		for i := 0; i < len(plan); i++ {
			if k := plan[i].Kind; k == Dropped || k == Duplicate {
				continue
			}
			if rng.Float64() < c.Duplicate {
				at := i + 1 + rng.IntN(len(plan)-i)
				plan = insert(plan, at, Send{Step: plan[i].Step, Kind: Duplicate})
			}
		}
	}
	if c.Delay > 0 {
		for i := range plan {
			if plan[i].Kind != Dropped {
				plan[i].Jitter = time.Duration(rng.Int64N(int64(c.Delay)))
			}
		}
	}
	return plan
}

func insert(plan []Send, at int, s Send) []Send {
	plan = append(plan, Send{})
	copy(plan[at+1:], plan[at:])
	plan[at] = s
	return plan
}
