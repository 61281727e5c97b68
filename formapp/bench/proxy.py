"""A loopback round-robin HTTP proxy for the two-node load test (nginx is not installed).

What an nginx ``upstream`` with default settings does, and no more: each request goes to the
next node in turn; a node that refuses the connection is skipped for ``DOWN_SECONDS`` and the
request goes to the other one (nothing was sent, so that is safe even for a POST); a node that
fails once the request was sent gives the client 502, as nginx does for a non-idempotent
request (the client decides whether to try again). Run as its own process
(``python -m formapp.bench.proxy PORT BACKEND_PORT...``), so it shares no interpreter with
the driver or the nodes.
"""

from __future__ import annotations

import http.client
import itertools
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DOWN_SECONDS = 5.0
TIMEOUT = 60
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer",
                         "upgrade", "proxy-authorization", "proxy-authenticate"})


class _Upstream:
    """The nodes in turn, skipping those that refused a connection lately."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self._turn = itertools.cycle(range(len(ports)))
        self._down_until = [0.0] * len(ports)
        self._lock = threading.Lock()

    def order(self) -> list[int]:
        """Every node, the next in turn first and those marked down last."""
        with self._lock:
            first = next(self._turn)
            now = time.monotonic()
            turn = [(first + i) % len(self.ports) for i in range(len(self.ports))]
            return sorted(turn, key=lambda i: self._down_until[i] > now)

    def mark_down(self, index: int) -> None:
        with self._lock:
            self._down_until[index] = time.monotonic() + DOWN_SECONDS


def make_handler(upstream: _Upstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request a connection: no keep-alive to manage

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            for index in upstream.order():
                connection = http.client.HTTPConnection("127.0.0.1", upstream.ports[index],
                                                        timeout=TIMEOUT)
                try:
                    connection.connect()
                except OSError:
                    upstream.mark_down(index)  # nothing sent: the next node may take it
                    connection.close()
                    continue
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    upstream.mark_down(index)
                    self._reply(502, f"node {index} failed: {type(exc).__name__}".encode())
                    return
                finally:
                    connection.close()
                self.send_response_only(response.status, response.reason)
                for name, value in response.getheaders():
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Formapp-Node", str(index))
                self.end_headers()
                self.wfile.write(data)
                return
            self._reply(502, b"no node answers")

        def _reply(self, status: int, text: bytes) -> None:
            self.send_response_only(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        do_GET = do_POST = do_HEAD = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass  # thousands of requests: quiet, like the nodes at --log-level warning

    return Handler


def serve(port: int, backend_ports: list[int]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(_Upstream(backend_ports)))
    server.daemon_threads = True
    server.request_queue_size = 128
    server.serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), [int(p) for p in sys.argv[2:]])
