"""CARELESS ON PURPOSE: a Standard Webhooks receiver that signs
webhook-id.webhook-timestamp.json.dumps(json.loads(body)) instead of the body as read.
Every other check of `whk test` passes; its raw-body row names the mistake.
standard_webhooks.py is the fix.
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

seen = set()
seen_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        msg_id = self.headers.get("webhook-id")
        timestamp = self.headers.get("webhook-timestamp")
        signatures = self.headers.get("webhook-signature")
        if not (msg_id and timestamp and signatures):
            return self.reply(401, "missing webhook headers")
        if abs(time.time() - int(timestamp)) > 300:
            return self.reply(401, "timestamp outside the tolerance")
        try:
            event = json.loads(body)
        except ValueError:
            return self.reply(400, "not JSON")
        payload = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        mac = hmac.new(KEY, f"{msg_id}.{timestamp}.{payload}".encode(), hashlib.sha256)
        expected = base64.b64encode(mac.digest())
        given = [s.split(",", 1)[1].encode() for s in signatures.split() if s.startswith("v1,")]
        if not any(hmac.compare_digest(expected, g) for g in given):
            return self.reply(401, "invalid signature")
        with seen_lock:
            seen.add(msg_id)
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
    print(f"listening on http://127.0.0.1:{server.server_port}/webhooks")
    server.serve_forever()
