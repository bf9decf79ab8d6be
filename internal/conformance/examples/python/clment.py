"""A Clment webhook receiver on Python's standard library.

It verifies X-Clment-Signature over the body exactly as read from the socket, compares
in constant time (hmac.compare_digest), parses only then, acknowledges a delivery it has
already seen without redoing the work, and answers before doing the work (Clment waits
10 s).

    WEBHOOK_SECRET=s3cret PORT=8081 python3 clment.py
    whk test -p clment --to http://127.0.0.1:8081/webhooks/clment --secret s3cret
"""
import hashlib
import hmac
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["WEBHOOK_SECRET"].encode()
MAX_BODY = 1 << 20

seen = set()  # in production: a table with a unique key on the event id
seen_lock = threading.Lock()


def handle(event):
    if event["type"] == "review.completed":
        print(f"review {event['payload'].get('reviewId')} completed", flush=True)
    # Clment ships a changed payload as a new versioned type (review.completed.v2)
    # beside the old one: ignore types you do not know.


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.reply(413, "body too large")
        body = self.rfile.read(length)
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        given = self.headers.get("X-Clment-Signature", "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return self.reply(401, "invalid signature")
        try:
            event = json.loads(body)
        except ValueError:
            return self.reply(400, "not JSON")
        with seen_lock:
            new = event["id"] not in seen
            seen.add(event["id"])
        self.reply(200, "ok")  # a retry of a delivery already taken is acknowledged again
        if new:
            threading.Thread(target=handle, args=(event,)).start()

    def reply(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8081"))), Handler)
    print(f"listening on http://127.0.0.1:{server.server_port}/webhooks/clment")
    server.serve_forever()
