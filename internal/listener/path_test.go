package listener

import "testing"

func TestCheckPath(t *testing.T) {
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"root", "/", true},
		{"default when empty", "", true},
		{"a path", "/hooks", true},
		{"a prefix", "/hooks/", true},
		{"no leading slash", "hooks/clment", true},
		{"dots inside a segment", "/v1.2/hooks..x", true},
		{"parent segment", "../x", false},
		{"parent segment inside", "/hooks/../x", false},
		{"dot segment", "/./hooks", false},
		{"trailing parent", "/hooks/..", false},
		{"double slash", "/hooks//x", false},
		{"query", "/hooks?x=1", false},
		{"fragment", "/hooks#x", false},
		{"percent escape", "/%2e%2e/x", false},
		{"space", "/my hooks", false},
		{"newline", "/hooks\nx", false},
		{"escape", "/\x1b[2J", false},
		{"backslash", `/..\x`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckPath(tt.path); (err == nil) != tt.ok {
				t.Fatalf("CheckPath(%q) = %v, want ok=%v", tt.path, err, tt.ok)
			}
		})
	}
}
