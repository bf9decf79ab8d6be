"""CARELESS ON PURPOSE: a Clment receiver that parses the body and signs its
re-serialisation, json.dumps(json.loads(body)) in the compact form that matched its
first test delivery. Every other check of `whk test` passes; its raw-body row names the
mistake, because a correctly signed body that was indented or escaped differently is
refused. clment.py is the fix.
"""
import hashlib
import hmac
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["WEBHOOK_SECRET"].encode()

seen = set()
seen_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            event = json.loads(body)
        except ValueError:
            return self.reply(400, "not JSON")
        signed = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
        expected = "sha256=" + hmac.new(SECRET, signed, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(self.headers.get("X-Clment-Signature", "").encode(), expected.encode()):
            return self.reply(401, "invalid signature")
        with seen_lock:
            seen.add(event["id"])
        self.reply(200, "ok")

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
