#!/usr/bin/env python3
"""An HTTPS server on loopback for the HTTP client's tests (stdlib only).

    http-test-server.py --cert server.pem --key server.key   (or --plain for HTTP)

Prints its port on stdout once listening. Routes (any method):
  /echo               the request back as JSON: method, path, query, headers ([[name, value]...]), body
  /status/N           status N, body "status N"
  /slow?seconds=S     sleeps S seconds, then 200 "slow"
  /bytes?n=N          N bytes of "x"; &chunked=1 sends them chunked, without a Content-Length
  /retry-after?seconds=S   429 with Retry-After: S
  /multi              two X-Multi headers, a and b
  /redirect           302 to /echo
  /hold               waits until /release (at most 60 s), then 200 "released"
  /held               how many requests wait in /hold now
  /release            lets every /hold request go
  /stats              {"connections": TCP connections accepted, "max_in_flight": most requests served at once}
"""
import argparse, json, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

lock = threading.Lock()
stats = {"connections": 0, "in_flight": 0, "max_in_flight": 0, "held": 0}
release = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with lock:
            stats["connections"] += 1

    def log_message(self, format, *args):
        pass

    def send_body(self, status, body, content_type="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        with lock:
            stats["in_flight"] += 1
            stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
        try:
            self.route()
        finally:
            with lock:
                stats["in_flight"] -= 1

    def route(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = url.path
        if path == "/echo":
            reply = {"method": self.command, "path": path, "query": url.query,
                     "headers": [[k, v] for k, v in self.headers.items()],
                     "body": body.decode("utf-8", "replace")}
            self.send_body(200, json.dumps(reply).encode(), "application/json")
        elif path.startswith("/status/"):
            status = int(path.split("/")[2])
            self.send_body(status, b"" if status in (204, 304) else f"status {status}".encode())
        elif path == "/slow":
            time.sleep(float(query.get("seconds", "5")))
            self.send_body(200, b"slow")
        elif path == "/bytes":
            n = int(query.get("n", "0"))
            if query.get("chunked") == "1":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                left = n
                while left > 0:
                    part = min(left, 16384)
                    self.wfile.write(b"%x\r\n" % part + b"x" * part + b"\r\n")
                    left -= part
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_body(200, b"x" * n)
        elif path == "/retry-after":
            self.send_body(429, b"slow down", headers=[("Retry-After", query.get("seconds", "1"))])
        elif path == "/redirect":
            self.send_body(302, b"moved", headers=[("Location", "/echo")])
        elif path == "/multi":
            self.send_body(200, b"multi", headers=[("X-Multi", "a"), ("X-Multi", "b")])
        elif path == "/hold":
            with lock:
                stats["held"] += 1
            try:
                released = release.wait(60)
            finally:
                with lock:
                    stats["held"] -= 1
            self.send_body(200 if released else 504, b"released" if released else b"never released")
        elif path == "/held":
            with lock:
                held = stats["held"]
            self.send_body(200, str(held).encode())
        elif path == "/release":
            release.set()
            self.send_body(200, b"ok")
        elif path == "/stats":
            with lock:
                reply = {"connections": stats["connections"], "max_in_flight": stats["max_in_flight"]}
            self.send_body(200, json.dumps(reply).encode(), "application/json")
        else:
            self.send_body(404, b"no such route")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    context = None

    def get_request(self):
        sock, address = super().get_request()
        if self.context is not None:
            # The handshake happens on the handler's thread (first read), so a stalled client never blocks accept.
            sock = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        pass  # clients that give up (timeouts, refused certificates) are part of the tests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    if not args.plain:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.context = context
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
