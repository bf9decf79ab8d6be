package main

import (
	"net"
	"net/http"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/whk-cli/whk/internal/catalog"
	"github.com/whk-cli/whk/internal/conformance/examples"
	"github.com/whk-cli/whk/internal/conformance/receivertest"
	"github.com/whk-cli/whk/internal/keys"
	"github.com/whk-cli/whk/internal/signing"
)

// cmdExampleReceiver is the script command `example-receiver PROVIDER [FLAW]`: it serves the guide's
// example receiver of PROVIDER (or, with FLAW, a careless receiver from receivertest) on
// 127.0.0.1 until the script ends, and sets $RECEIVER_URL. The secret is $WHK_SECRET;
// Ironclad uses whk's test key pair in $WHK_CONFIG_DIR; $RECEIVER_AUTH_HEADER renames
// CM.com Sign's token header.
func cmdExampleReceiver(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: example-receiver PROVIDER [FLAW]")
	}
	p, err := catalog.MustBuiltin().Provider(args[0])
	ts.Check(err)
	secret := []byte(ts.Getenv("WHK_SECRET"))
	authHeader := ts.Getenv("RECEIVER_AUTH_HEADER")
	var k signing.Keys
	var pubPath string
	if p.Scheme.Name == catalog.SchemeIroncladRSA {
		priv, path, err := keys.TestKeyPair(ts.Getenv("WHK_CONFIG_DIR"))
		ts.Check(err)
		k, pubPath = signing.Keys{PublicKey: &priv.PublicKey}, path
	} else {
		k = signing.Keys{Secret: secret}
	}
	var h http.Handler
	if len(args) == 2 && args[1] != "careful" {
		s, err := signing.For(p, authHeader)
		ts.Check(err)
		h = receivertest.New(p, s, k, receivertest.Flaw(args[1]))
	} else {
		h, err = examples.Handler(p.ID, examples.Config{Secret: secret, AuthHeader: authHeader, PublicKeyPath: pubPath})
		ts.Check(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	ts.Defer(func() { srv.Close() })
	ts.Setenv("RECEIVER_URL", "http://"+ln.Addr().String()+"/hooks")
}
