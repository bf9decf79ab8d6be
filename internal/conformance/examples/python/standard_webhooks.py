"""A Standard Webhooks receiver on Python's standard library.

It signs webhook-id.webhook-timestamp.body over the body exactly as read, with the key
decoded from the whsec_ secret, accepts any of the space-separated v1 signatures
(several during a key rotation), refuses timestamps more than 5 minutes off, compares in
constant time and dedupes on webhook-id.

    WEBHOOK_SECRET=whsec_... PORT=8081 python3 standard_webhooks.py
    whk test -p standard-webhooks --to http://127.0.0.1:8081/webhooks --secret whsec_...
"""
import base64
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))
TOLERANCE_SECONDS = 5 * 60
MAX_BODY = 1 << 20

seen = set()  # in production: a table with a unique key on webhook-id
seen_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.reply(413, "body too large")
        body = self.rfile.read(length)
        msg_id = self.headers.get("webhook-id")
        timestamp = self.headers.get("webhook-timestamp")
        signatures = self.headers.get("webhook-signature")
        if not (msg_id and timestamp and signatures):
            return self.reply(401, "missing webhook-id, webhook-timestamp or webhook-signature")
        try:
            if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
                return self.reply(401, "timestamp outside the tolerance")
        except ValueError:
            return self.reply(400, "webhook-timestamp is not a number")
        mac = hmac.new(KEY, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
        expected = base64.b64encode(mac.digest())
        given = [s.split(",", 1)[1].encode() for s in signatures.split() if s.startswith("v1,")]
        if not any(hmac.compare_digest(expected, g) for g in given):
            return self.reply(401, "invalid signature")
        try:
            event = json.loads(body)
        except ValueError:
            return self.reply(400, "not JSON")
        with seen_lock:
            new = msg_id not in seen
            seen.add(msg_id)
        self.reply(200, "ok")
        if new:
            print(f"{event.get('type')} {msg_id}", flush=True)

    def reply(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8081"))), Handler)
    print(f"listening on http://127.0.0.1:{server.server_port}/webhooks")
    server.serve_forever()
