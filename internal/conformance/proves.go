package conformance

// proofs say, for each check, what its passing proves about the endpoint: `whk test
// --list` prints them, and docs/guides/what-whk-test-proves.md gives each a paragraph.
var proofs = map[string]string{
	CheckSignedDelivery:      "the endpoint takes what the provider really sends: a correctly signed delivery of every event, with the provider's headers, is acknowledged under the provider's rule (Oneflow: exactly 200; others: any 2xx)",
	CheckBadSignature:        "the endpoint checks the signature (CM.com Sign: the token; Oneflow: the signature field): one made with another secret or key is refused with a 4xx, not processed and not answered 5xx",
	CheckMissingSignature:    "a request without a signature (or token, or signature field) is refused with a 4xx, not taken as nothing to check",
	CheckTamperedBody:        "the signature is checked against the body: a body changed after signing is refused (not applicable where the signature does not cover the body: Oneflow, CM.com Sign)",
	CheckRawBody:             `the signature is checked over the bytes received, not a re-serialisation of the parsed JSON: correctly signed bodies that are indented, spaced, or escaped ("\/", "\u00e9") are acknowledged (not applicable where the signature does not cover the body, or, for Ironclad, covers a re-serialisation by design)`,
	CheckSignatureList:       "a signature header that lists an entry of an unknown version first and the valid signature last is acknowledged: the endpoint checks every entry and skips versions it does not know, as during a key rotation (only schemes whose header takes a list: Standard Webhooks)",
	CheckStaleTimestamp:      "a signed timestamp twice the scheme's tolerance in the past or the future (10 minutes for Standard Webhooks) is refused, so a captured delivery cannot be replayed later (only schemes that sign a timestamp: Standard Webhooks, and a catalog's hmac scheme whose signed content holds {timestamp})",
	CheckDuplicate:           "the same delivery sent twice is acknowledged twice: providers deliver at least once, and a refused duplicate is retried as a failure",
	CheckRetry:               "a retry (same delivery id, signed again with a fresh timestamp or nonce) is acknowledged",
	CheckConcurrentDuplicate: "the same delivery sent 5 times at once is acknowledged every time: a copy that arrives while the first is still being handled is not refused by a lock or a unique key (only where the provider asks for at-most-once processing: Clment, Contract-as-Code; whk sees the answers, not whether the work ran once)",
	CheckUnknownType:         "an event type the endpoint does not know is acknowledged and ignored, not crashed on: providers add types (Clment ships changed payloads as new versioned types)",
	CheckLifecycle:           "the endpoint takes a whole lifecycle out of order and with repeats: the provider's built-in lifecycle (whk scenario list), shuffled, with about half its deliveries sent again after later ones, is acknowledged delivery by delivery, as at-least-once providers with parallel workers deliver it",
	CheckMaxBody:             "a correctly signed body of exactly the provider's documented maximum size is acknowledged, not refused by a framework's or proxy's body limit (only where a provider's documents state a maximum: none of the built-in providers' do)",
	CheckTimeout:             "every answer came within the provider's documented timeout (where none is documented whk says so, and waits 30s or --timeout)",
}

// Proves says what a passing check proves about the endpoint; its title when whk has
// no more to say.
func (c Check) Proves() string {
	if p, ok := proofs[c.ID]; ok {
		return p
	}
	return c.Title
}
