package cmdutil

import "testing"

func TestClosest(t *testing.T) {
	providers := []string{"clment", "contract-as-code", "ironclad", "cm-sign", "oneflow", "standard-webhooks"}
	types := []string{"review.completed", "review.failed", "contract.created"}
	tests := []struct {
		name    string
		typed   string
		choices []string
		want    string
	}{
		{"a swapped pair of letters", "clemnt", providers, "clment"},
		{"a dropped letter", "onefow", providers, "oneflow"},
		{"upper case is the same name", "IRONCLAD", providers, "ironclad"},
		{"the start of a name", "stand", providers, "standard-webhooks"},
		{"a typo in an event type", "review.compelted", types, "review.completed"},
		{"nothing close", "docusign", providers, ""},
		{"one letter is no evidence", "x", providers, ""},
		{"an exact match wins over a prefix", "review.failed", types, "review.failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.typed, tt.choices); got != tt.want {
				t.Errorf("Closest(%q) = %q, want %q", tt.typed, got, tt.want)
			}
		})
	}
}

func TestLevenshtein(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"json", "json", 0}, {"jsn", "json", 1}, {"provder", "provider", 1},
		{"stirct", "strict", 2}, {"kitten", "sitting", 3}, {"", "abc", 3}, {"é", "e", 1},
	} {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
