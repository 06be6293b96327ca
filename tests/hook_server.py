"""A tiny local HTTP server that records what go-live hooks send it (no network)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HookServer:
    def __init__(self):
        self.requests = []  # (path, content type, body bytes)
        self.arrivals = []  # (path, Unix time)
        self.status = 204
        received = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.requests.append((self.path, self.headers["Content-Type"], body))
                received.arrivals.append((self.path, time.time()))
                self.send_response(received.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def to(self, path):
        return [body for p, _type, body in self.requests if p == path]
