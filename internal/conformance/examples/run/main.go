// Command run serves one of the example receivers, to try `whk test` against it:
//
//	WEBHOOK_SECRET=s3cret go run ./internal/conformance/examples/run -addr 127.0.0.1:8081 clment
//	whk test -p clment --to http://127.0.0.1:8081/ --secret s3cret
//
// Ironclad reads its public key from -public-key (default: whk's test key).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/whk-cli/whk/internal/cmdutil"
	"github.com/whk-cli/whk/internal/conformance/examples"
	"github.com/whk-cli/whk/internal/keys"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen `address`")
	pub := flag.String("public-key", "", "Ironclad: public key `PEM` file (default: whk's test key)")
	authHeader := flag.String("auth-header", "", "CM.com Sign: the token header (default X-Webhook-Token)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: WEBHOOK_SECRET=… run [flags] PROVIDER\n\nPROVIDER is one of %v\n\n", examples.Providers)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *pub == "" {
		dir, err := cmdutil.DefaultConfigDir()
		if err != nil {
			log.Fatal(err)
		}
		*pub = filepath.Join(dir, keys.TestPublicKeyFile)
	}
	h, err := examples.Handler(flag.Arg(0), examples.Config{
		Secret:        []byte(os.Getenv("WEBHOOK_SECRET")),
		AuthHeader:    *authHeader,
		PublicKeyPath: *pub,
		Handle:        func(typ, id string) { log.Printf("%s %s", typ, id) },
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%s receiver on http://%s/", flag.Arg(0), *addr)
	log.Fatal(http.ListenAndServe(*addr, h))
}
