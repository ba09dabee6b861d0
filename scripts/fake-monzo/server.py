#!/usr/bin/env python3
"""A fake of Monzo's API over HTTPS, for tests, `make bench` and the `make run` demo.

It answers the endpoints Spark's Monzo jobs call as Monzo does: bearer auth (401 for an unknown or
expired token), the refresh grant (a refresh token works once), /transactions paging by `since`
(timestamp or transaction id), `before` and `limit` (max 100, oldest first), `expand[]=merchant`,
/pots, /balance. Failure modes (429 with Retry-After, 5xx, malformed bodies, slow answers) and the
request log are driven through /_admin/* so tests can assert what was asked.

    python3 scripts/fake-monzo/server.py --port 0 --cert-dir DIR [--seed N] [--history N]

prints the port on stdout once it listens. Python 3 standard library only.
"""
import argparse
import bisect
import copy
import datetime as dt
import json
import os
import random
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "fixtures", "monzo"))


def parse_time(text):
    """RFC 3339 (Monzo's `since`/`before`/`created`) to an aware datetime; None if it is not one."""
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def monzo_time(moment):
    """Monzo's `created`: UTC with milliseconds and a Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class State:
    """Everything the fake knows, behind one lock (handlers run on many threads)."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.client_id = args.client_id
        self.client_secret = args.client_secret
        self.access = {}    # access token -> expiry (unix seconds)
        self.refresh = {}   # refresh token -> True while unused
        self.counter = 0
        self.refreshes = 0
        self.refresh_rejections = 0
        self.requests = []
        self.mode = {"fail": None, "times": 0, "retry_after": 1, "paths": None}
        self.delay_ms = args.delay_ms
        self.add_tokens(args.access_token, args.refresh_token, args.expires_in)
        self.load(args)

    def add_tokens(self, access, refresh, expires_in):
        self.access[access] = time.time() + expires_in
        if refresh:
            self.refresh[refresh] = True

    def load(self, args):
        def read(name):
            with open(os.path.join(args.fixtures, name), encoding="utf-8") as f:
                return json.load(f)
        self.accounts = read("accounts.json")["accounts"]
        self.current = self.accounts[0]["id"]
        self.balance = read("balance.json")
        self.pots = read("pots.json")["pots"]
        txs = [] if args.no_fixture_transactions else read("transactions.json")["transactions"]
        if args.shift_to_now and txs:
            newest = max(parse_time(t["created"]) for t in txs)
            shift = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1) - newest
            for t in txs:
                for key in ("created", "settled", "updated"):
                    if t.get(key):
                        t[key] = monzo_time(parse_time(t[key]) + shift)
        txs = txs + self.generate(args.history, args.seed, args.history_end, args.history_days)
        for t in txs:
            t["_created"] = parse_time(t["created"])
        txs.sort(key=lambda t: (t["_created"], t["id"]))
        self.transactions = {self.current: txs}
        # Paging looks up ids and times; large histories need it in O(log n).
        self.positions = {self.current: {t["id"]: i for i, t in enumerate(txs)}}
        self.times = {self.current: [t["_created"] for t in txs]}

    def generate(self, n, seed, end_text, days):
        """`n` card payments on the current account, evenly spread over `days` up to `end`, the same for a seed."""
        if n <= 0:
            return []
        end = parse_time(end_text) if end_text else dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        start = end - dt.timedelta(days=days)
        step = (end - start) / n
        rng = random.Random(seed)
        names = ["Example Grocer", "Example Coffee Co.", "Example Transit", "Example Books", "Example Pharmacy"]
        out = []
        for i in range(n):
            created = start + step * i
            amount = -rng.randint(50, 9999)
            name = names[rng.randrange(len(names))]
            mid = "merch_gen_%s" % name.split()[-1].lower().strip(".")
            out.append({
                "id": "tx_gen%d_%08d" % (seed, i), "created": monzo_time(created), "description": name.upper(),
                "amount": amount, "fees": {}, "currency": "GBP",
                "merchant": {"id": mid, "group_id": "grp_" + mid, "name": name, "logo": "", "emoji": "",
                             "category": "groceries", "online": False, "atm": False, "address": {},
                             "disable_feedback": False, "suggested_tags": "", "metadata": {}},
                "notes": "", "metadata": {}, "labels": None, "attachments": None, "international": None,
                "category": "groceries", "categories": {"groceries": amount}, "is_load": False,
                "settled": monzo_time(created + dt.timedelta(days=1)), "local_amount": amount, "local_currency": "GBP",
                "updated": monzo_time(created), "account_id": self.current, "user_id": "user_0000FAKE0000USER00001",
                "counterparty": {}, "scheme": "mastercard", "dedupe_id": "dedupe_gen%d_%08d" % (seed, i),
                "originator": False, "include_in_spending": True, "amount_is_pending": False, "decline_reason": None,
            })
        return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, so clients reuse connections as with Monzo
    server_version = "FakeMonzo/1"

    def setup(self):
        # Headers and body leave in two writes: without NODELAY, Nagle and the client's delayed ACK add ~40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()

    def log_message(self, fmt, *args):
        if self.server.state.args.verbose:
            sys.stderr.write("fake-monzo: " + (fmt % args) + "\n")

    # --- plumbing -------------------------------------------------------------------------------------
    def send(self, status, body, headers=None, raw=False):
        data = body if raw else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, message):
        self.send(status, {"code": code, "message": message, "params": {}})

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        body = self.read_body()
        if url.path.startswith("/_admin/"):
            return self.admin(method, url.path, body)
        state = self.server.state
        auth = self.headers.get("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else None
        with state.lock:
            state.requests.append({"method": method, "path": url.path, "query": url.query, "token": token,
                                   "body": body.decode("utf-8", "replace"), "time": time.time()})
            delay = state.delay_ms
            failure = None
            mode = state.mode
            if mode["fail"] and mode["times"] > 0 and (not mode["paths"] or url.path in mode["paths"]):
                mode["times"] -= 1
                failure = (mode["fail"], mode["retry_after"])
        if delay:
            time.sleep(delay / 1000.0)
        if failure:
            kind, retry_after = failure
            if kind == "429":
                return self.send(429, {"code": "too_many_requests", "message": "Too many requests"},
                                 {"Retry-After": str(retry_after)})
            if kind == "malformed":
                return self.send(200, b'{"transactions": [{"id": "tx_', raw=True)
            if kind == "html":
                return self.send(200, b"<html>maintenance</html>", raw=True)
            if kind == "401":
                return self.error(401, "unauthorized.bad_access_token.expired", "Access token has expired")
            return self.error(int(kind), "internal_service_failure", "Something went wrong")
        if url.path == "/oauth2/token" and method == "POST":
            return self.token(body)
        if method != "GET":
            return self.error(405, "method_not_allowed", "Method not allowed")
        with state.lock:
            expiry = state.access.get(token) if token else None
        if expiry is None:
            return self.error(401, "unauthorized.bad_access_token", "Access token is invalid")
        if expiry <= time.time():
            return self.error(401, "unauthorized.bad_access_token.expired", "Access token has expired")
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        handler = {"/accounts": self.accounts, "/transactions": self.transactions, "/pots": self.pots,
                   "/balance": self.balance, "/ping/whoami": self.whoami}.get(url.path)
        if not handler:
            return self.error(404, "not_found", "Not found")
        return handler(query)

    # --- Monzo's API ----------------------------------------------------------------------------------
    def account(self, query, name):
        ids = query.get(name) or [""]
        state = self.server.state
        if not any(a["id"] == ids[0] for a in state.accounts):
            self.error(400, "bad_request.bad_param.%s" % name, "Invalid %s" % name)
            return None
        return ids[0]

    def whoami(self, query):
        self.send(200, {"authenticated": True, "client_id": self.server.state.client_id, "user_id": "user_0000FAKE0000USER00001"})

    def accounts(self, query):
        self.send(200, {"accounts": self.server.state.accounts})

    def transactions(self, query):
        account = self.account(query, "account_id")
        if account is None:
            return
        try:
            limit = int((query.get("limit") or ["30"])[0])
        except ValueError:
            return self.error(400, "bad_request.bad_param.limit", "Invalid limit")
        if limit < 1 or limit > 100:
            return self.error(400, "bad_request.bad_param.limit", "limit must be between 1 and 100")
        state = self.server.state
        txs = state.transactions.get(account, [])
        times = state.times.get(account, [])
        positions = state.positions.get(account, {})
        since = (query.get("since") or [None])[0]
        before = (query.get("before") or [None])[0]
        start = 0
        if since:
            moment = parse_time(since)
            if moment is not None:
                start = bisect.bisect_left(times, moment)
            else:
                index = positions.get(since)
                if index is None:
                    return self.error(400, "bad_request.bad_param.since", "Invalid since")
                start = index + 1
        end = len(txs)
        if before:
            moment = parse_time(before)
            if moment is None:
                return self.error(400, "bad_request.bad_param.before", "Invalid before")
            end = bisect.bisect_left(times, moment)
        page = txs[start:min(end, start + limit)]
        expand = "merchant" in query.get("expand[]", [])
        out = []
        for t in page:
            item = {k: v for k, v in t.items() if k != "_created"}
            if not expand and isinstance(item.get("merchant"), dict):
                item["merchant"] = item["merchant"]["id"]
            out.append(item)
        self.send(200, {"transactions": out})

    def pots(self, query):
        account = self.account(query, "current_account_id")
        if account is None:
            return
        state = self.server.state
        self.send(200, {"pots": [p for p in state.pots if p.get("current_account_id") == account]})

    def balance(self, query):
        account = self.account(query, "account_id")
        if account is None:
            return
        state = self.server.state
        body = copy.deepcopy(state.balance)
        if account != state.current:
            index = next(i for i, a in enumerate(state.accounts) if a["id"] == account)
            body.update({"balance": 1000 * index, "total_balance": 1000 * index,
                         "balance_including_flexible_savings": 1000 * index, "spend_today": 0})
        self.send(200, body)

    def token(self, body):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        field = lambda k: (form.get(k) or [""])[0]
        state = self.server.state
        if field("grant_type") != "refresh_token":
            return self.error(400, "bad_request.unsupported_grant_type", "Unsupported grant type")
        if field("client_id") != state.client_id or field("client_secret") != state.client_secret:
            return self.error(401, "unauthorized.bad_client", "Client authentication failed")
        with state.lock:
            old = field("refresh_token")
            if not state.refresh.get(old):
                state.refresh_rejections += 1
                spent = "evicted" if old in state.refresh else "invalid"
                return self.error(401, "unauthorized.bad_refresh_token." + spent, "Refresh token is not valid")
            state.refresh[old] = False
            state.counter += 1
            state.refreshes += 1
            access = "fake-access-%d-%d" % (state.args.seed, state.counter)
            refresh = "fake-refresh-%d-%d" % (state.args.seed, state.counter)
            state.add_tokens(access, refresh, state.args.refreshed_expires_in)
        self.send(200, {"access_token": access, "client_id": state.client_id,
                        "expires_in": state.args.refreshed_expires_in, "refresh_token": refresh,
                        "token_type": "Bearer", "user_id": "user_0000FAKE0000USER00001"})

    # --- control ------------------------------------------------------------------------------------------
    def admin(self, method, path, body):
        state = self.server.state
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return self.error(400, "bad_json", "admin bodies are JSON")
        with state.lock:
            if path == "/_admin/requests" and method == "GET":
                return self.send(200, {"requests": state.requests})
            if path == "/_admin/requests" and method == "DELETE":
                state.requests = []
                return self.send(200, {})
            if path == "/_admin/mode" and method == "POST":
                if "fail" in data:
                    state.mode = {"fail": data.get("fail"), "times": int(data.get("times", 1)),
                                  "retry_after": data.get("retry_after", 1), "paths": data.get("paths")}
                if "delay_ms" in data:
                    state.delay_ms = int(data["delay_ms"])
                return self.send(200, {"mode": state.mode, "delay_ms": state.delay_ms})
            if path == "/_admin/tokens" and method == "POST":
                state.add_tokens(data["access_token"], data.get("refresh_token"), int(data.get("expires_in", 3600)))
                return self.send(200, {})
            if path == "/_admin/expire" and method == "POST":
                for token in list(state.access):
                    if not data.get("access_token") or token == data["access_token"]:
                        state.access[token] = 0
                return self.send(200, {})
            if path == "/_admin/state" and method == "GET":
                return self.send(200, {"refreshes": state.refreshes, "refresh_rejections": state.refresh_rejections,
                                       "requests": len(state.requests),
                                       "transactions": {k: len(v) for k, v in state.transactions.items()}})
        self.error(404, "not_found", "unknown admin endpoint")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--cert-dir", required=True, help="from scripts/tls/make-ca.sh: server.pem, server.key")
    p.add_argument("--fixtures", default=DEFAULT_FIXTURES)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--history", type=int, default=0, help="extra generated transactions on the current account")
    p.add_argument("--history-days", type=float, default=30.0, help="the generated history spans this many days")
    p.add_argument("--history-end", default=None, help="RFC 3339 end of the generated history (default now)")
    p.add_argument("--no-fixture-transactions", action="store_true")
    p.add_argument("--shift-to-now", action="store_true", help="re-date the fixture transactions to end an hour ago")
    p.add_argument("--delay-ms", type=int, default=0, help="answer every API call after this long")
    p.add_argument("--access-token", default="fake-access-token")
    p.add_argument("--refresh-token", default="fake-refresh-token")
    p.add_argument("--expires-in", type=int, default=21600, help="seconds the initial access token lives")
    p.add_argument("--refreshed-expires-in", type=int, default=21600)
    p.add_argument("--client-id", default="fake-client-id")
    p.add_argument("--client-secret", default="fake-client-secret")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    # A parent may have spawned us with its signals blocked (Shuttle's tests do): stop on SIGTERM all the same.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    server = Server((args.host, args.port), Handler)
    server.state = State(args)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(args.cert_dir, "server.pem"), os.path.join(args.cert_dir, "server.key"))
    # The handshake happens in each connection's thread, not in accept().
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
