package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance"
	"github.com/whk-cli/whk/internal/signing"
)

// receiverLifetime bounds how long an example receiver in another language lives,
// should the test fail to stop it.
const receiverLifetime = 2 * time.Minute

// TestNodeAndPythonReceivers holds the Express and http.server example receivers to
// `whk test`: the correct ones pass every row, and each careless one, which verifies a
// re-serialisation of the parsed body, fails exactly the raw-body row.
func TestNodeAndPythonReceivers(t *testing.T) {
	node, python := tool(t, "node"), pythonInterpreter(t)
	nodeModules := expressModules(t)
	lifetime := func(name string) string { p, _ := filepath.Abs(filepath.Join("testdata", name)); return p }
	example := func(lang, file string) string { return filepath.Join("examples", lang, file) }
	nodeCmd := func(file string) []string {
		return []string{node, "--require", lifetime("lifetime.js"), example("node", file)}
	}
	pythonCmd := func(file string) []string {
		return []string{python, "-u", lifetime("lifetime.py"), example("python", file)}
	}
	tests := []struct {
		name     string
		provider string
		argv     []string
		careless bool
	}{
		{"node/clment", "clment", nodeCmd("clment.js"), false},
		{"node/clment-careless", "clment", nodeCmd("clment-careless.js"), true},
		{"node/standard-webhooks", "standard-webhooks", nodeCmd("standard-webhooks.js"), false},
		{"node/standard-webhooks-careless", "standard-webhooks", nodeCmd("standard-webhooks-careless.js"), true},
		{"python/clment", "clment", pythonCmd("clment.py"), false},
		{"python/clment-careless", "clment", pythonCmd("clment_careless.py"), true},
		{"python/standard-webhooks", "standard-webhooks", pythonCmd("standard_webhooks.py"), false},
		{"python/standard-webhooks-careless", "standard-webhooks", pythonCmd("standard_webhooks_careless.py"), true},
	}
	c := catalog.MustBuiltin()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // most of each run is the interpreter starting
			p, err := c.Provider(tt.provider)
			if err != nil {
				t.Fatal(err)
			}
			keys, _ := keysFor(t, p)
			url := startReceiver(t, tt.argv, "WEBHOOK_SECRET="+string(keys.Secret), "NODE_PATH="+nodeModules)
			s, err := signing.For(p, "")
			if err != nil {
				t.Fatal(err)
			}
			results, err := conformance.Run(context.Background(), conformance.Options{Provider: p, URL: url, Scheme: s, Keys: keys})
			if err != nil {
				t.Fatal(err)
			}
			byCheck := map[string]conformance.Result{}
			for _, r := range results {
				byCheck[r.Check] = r
			}
			var want []string
			if tt.careless {
				want = []string{conformance.CheckRawBody}
			}
			if got := failed(byCheck); strings.Join(got, ",") != strings.Join(want, ",") {
				for _, id := range got {
					t.Logf("%s: %s", id, byCheck[id].Detail)
				}
				t.Errorf("failed %v, want %v", got, want)
			}
			raw := byCheck[conformance.CheckRawBody]
			const names = "rejected a correctly signed body that is not in canonical form: it verifies a re-serialisation, not the raw bytes"
			switch {
			case tt.careless && !strings.Contains(raw.Detail, names):
				t.Errorf("raw-body detail %q does not say %q", raw.Detail, names)
			case !tt.careless && raw.Outcome != conformance.Pass:
				t.Errorf("raw-body: %s (%s), want pass", raw.Outcome, raw.Detail)
			}
		})
	}
}

// tool finds a program every machine that runs whk's tests has; its absence is a
// broken machine, not a reason to skip.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to run the example receivers: %v", name, err)
	}
	return path
}

// pythonInterpreter is python3's own path: a version manager's shim (pyenv) costs a
// second or more on each start.
func pythonInterpreter(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(tool(t, "python3"), "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return strings.TrimSpace(string(out))
}

var (
	expressOnce sync.Once
	expressDir  string
	expressErr  error
)

// expressModules installs the Express version pinned in examples/node/package.json from
// the npm registry into the user's cache (outside the repository), once: later runs
// reuse it. It returns the node_modules directory, for NODE_PATH.
func expressModules(t *testing.T) string {
	t.Helper()
	expressOnce.Do(func() { expressDir, expressErr = installExpress(tool(t, "npm")) })
	if expressErr != nil {
		t.Fatal(expressErr)
	}
	return expressDir
}

func installExpress(npm string) (string, error) {
	b, err := os.ReadFile(filepath.Join("examples", "node", "package.json"))
	if err != nil {
		return "", err
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return "", fmt.Errorf("examples/node/package.json: %v", err)
	}
	version := pkg.Dependencies["express"]
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(version) {
		return "", fmt.Errorf("examples/node/package.json pins express to %q, want an exact version", version)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "whk-test", "node", "express-"+version)
	modules := filepath.Join(dir, "node_modules")
	if installed(modules, version) {
		return modules, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	// Install beside the final place and rename, so that a run stopped half-way, or
	// another test process installing at the same time, never leaves a half install
	// where the next run looks.
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".express-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--ignore-scripts", "express@"+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install express@%s: %v\n%s", version, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !installed(modules, version) {
		return "", err
	}
	if !installed(modules, version) {
		return "", fmt.Errorf("npm installed express, but not %s in %s", version, modules)
	}
	return modules, nil
}

func installed(modules, version string) bool {
	b, err := os.ReadFile(filepath.Join(modules, "express", "package.json"))
	if err != nil {
		return false
	}
	var pkg struct {
		Version string `json:"version"`
	}
	return json.Unmarshal(b, &pkg) == nil && pkg.Version == version
}

// startReceiver runs an example receiver on 127.0.0.1 with PORT=0 and returns the URL
// it prints. The receiver stops when the test ends (its stdin closes), is killed if it
// does not, and stops by itself after receiverLifetime in any case.
func startReceiver(t *testing.T, argv []string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), receiverLifetime)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), append(env, "PORT=0", fmt.Sprintf("LIFETIME_SECONDS=%d", int(receiverLifetime.Seconds())))...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &urlWriter{found: make(chan string, 1)}
	cmd.Stdout = out
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cancel()
			<-exited
		}
		cancel()
		if t.Failed() {
			t.Logf("receiver stdout:\n%s\nreceiver stderr:\n%s", out.String(), stderr.String())
		}
	})
	select {
	case url := <-out.found:
		return url
	case err := <-exited:
		exited <- err
		t.Fatalf("%s exited before listening (%v):\n%s", strings.Join(argv, " "), err, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("%s printed no URL within 20s:\n%s", strings.Join(argv, " "), stderr.String())
	}
	return ""
}

var listeningURL = regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+/\S*)\r?\n`)

// urlWriter keeps a receiver's stdout and reports the first URL it says it listens on.
type urlWriter struct {
	lockedBuffer
	found chan string
	sent  bool
}

func (w *urlWriter) Write(p []byte) (int, error) {
	n, err := w.lockedBuffer.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	if m := listeningURL.FindSubmatch(w.buf.Bytes()); m != nil && !w.sent {
		w.sent = true
		w.found <- string(m[1])
	}
	return n, err
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
