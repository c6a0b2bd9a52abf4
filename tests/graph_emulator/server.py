"""The emulator process: a threading HTTP server on loopback, and the :class:`Emulator` object
tests and the CLI hold — URLs, tokens, fault rules, state and its seeding helpers.

One port speaks both plain HTTP (what Graph clients use against the emulator) and TLS (what msal
insists on for the authority): the first byte of each connection tells them apart.
"""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import ssl
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import demo
from .auth import Identity, Tokens
from .faults import Chaos, Faults, Throttle
from .pipeline import Incoming, Pipeline, RequestRecord
from .routes import Reply, Router
from .state import Store, segment_name

TLS_DIR = Path(__file__).resolve().parent / "tls"
_QUIET_ERRORS = (OSError,)  # clients that hang up (timeouts, resets, TLS probes) are not errors


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections as with Graph
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # silence the per-request stderr line
        pass

    def _serve(self) -> None:
        emulator = self.server.emulator
        body = self._read_body()
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        host = self.headers.get("Host") or f"127.0.0.1:{emulator.port}"
        incoming = Incoming(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            f"{scheme}://{host}",
        )
        outcome = emulator.pipeline.handle(incoming)
        if outcome.action == "hold":
            emulator.stopping.wait(outcome.hold_seconds)
        if outcome.action is not None or outcome.reply is None:
            self._reset()
            return
        self._write(outcome.reply)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _write(self, reply: Reply) -> None:
        if isinstance(reply.body, dict | list):
            payload = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        elif isinstance(reply.body, str):
            payload = reply.body.encode("utf-8")
        else:
            payload = b""
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status not in (204, 304):
            self.send_header("Content-Length", str(len(payload)))
        # Headers and body in one write: two small writes on a keep-alive connection meet Nagle's
        # algorithm and the client's delayed ACK, and every response would take 40 ms.
        self._headers_buffer.append(b"\r\n")
        if payload and self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.flush_headers()

    def _reset(self) -> None:
        """Close without a response; SO_LINGER 0 makes it a TCP reset, not a polite FIN."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops SYNs under a burst; the client then waits a 1 s
    # retransmission and concurrency tests see requests that were never concurrent.
    request_queue_size = 128

    def __init__(self, port: int, emulator: Emulator) -> None:
        self.emulator = emulator
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(TLS_DIR / "server.pem", TLS_DIR / "server.key")
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Runs on the connection's own thread: sniff TLS (0x16 = handshake), then serve."""
        conn = request
        with self.connections_lock:
            self.connections.add(request)
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if request.recv(1, socket.MSG_PEEK) == b"\x16":
                conn = self.tls.wrap_socket(request, server_side=True)
            self.RequestHandlerClass(conn, client_address, self)
        except _QUIET_ERRORS:
            pass
        finally:
            with self.connections_lock:
                self.connections.discard(request)
            if conn is not request:
                with contextlib.suppress(OSError):
                    conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], _QUIET_ERRORS):
            super().handle_error(request, client_address)

    def drop_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class Emulator:
    """A running Graph Bookings emulator (see the package docstring for the whole interface)."""

    ca_file = str(TLS_DIR / "ca.pem")

    def __init__(
        self,
        *,
        port: int = 0,
        latency_ms: float = 0,
        fault_rate: float = 0.0,
        page_size: int = 100,
        retry_after: float = 1,
        client_id: str = "portal-client",
        client_secret: str = "portal-secret",
        tenant: str = "contoso",
        token_lifetime: int = 3600,
        random_seed: int = 0,
        delegated_token: str | None = None,
        app_token: str | None = None,
    ) -> None:
        self.latency_ms = latency_ms
        self.page_size = page_size
        self.retry_after = retry_after
        self.client_id = client_id
        self.client_secret = client_secret
        self.tenant = tenant
        self.tenant_domain = f"{tenant}.onmicrosoft.com"
        self.stopping = threading.Event()
        self.state = Store(self.tenant_domain)
        self.faults = Faults()
        self.chaos = Chaos(fault_rate, random_seed)
        self.throttle = Throttle()
        self.tokens = Tokens(token_lifetime, delegated_token, app_token)
        self.identity = Identity(self.tokens, tenant=tenant, client_id=client_id, client_secret=client_secret)
        self.router = Router(self.state, self)
        self.pipeline = Pipeline(self)
        self._server = _Server(port, self)
        self.port: int = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Emulator:
        # A short poll interval makes stop() quick: tests start and stop one emulator each.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="graph-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; held (timeout-fault) and idle keep-alive connections are dropped too."""
        self.stopping.set()
        if self._thread is not None:
            self._server.shutdown()  # blocks until serve_forever returns, so only when it runs
        self._server.drop_connections()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses and tokens -----------------------------------------------------------------

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1.0"

    @property
    def authority(self) -> str:
        return f"{self.root_url}/{self.tenant}"

    @property
    def https_root_url(self) -> str:
        """The same port over TLS (certificate in ``ca_file``), for msal, which refuses http."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def https_authority(self) -> str:
        return f"{self.https_root_url}/{self.tenant}"

    @property
    def delegated_token(self) -> str:
        return self.tokens.delegated_token

    @property
    def app_token(self) -> str:
        return self.tokens.app_token

    @property
    def token_lifetime(self) -> int:
        return self.tokens.lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: int) -> None:
        self.tokens.lifetime = seconds

    @property
    def fault_rate(self) -> float:
        return self.chaos.rate

    @fault_rate.setter
    def fault_rate(self, rate: float) -> None:
        self.chaos.rate = rate

    @property
    def concurrency_limit(self) -> int | None:
        """Bookings' 4 concurrent requests per mailbox; None switches throttling off."""
        return self.throttle.limit

    @concurrency_limit.setter
    def concurrency_limit(self, limit: int | None) -> None:
        self.throttle.limit = limit

    @property
    def max_concurrency(self) -> dict[str, int]:
        """Mailbox (lower-case) -> the most requests seen in flight at once, refused ones included."""
        return self.throttle.max_concurrency

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log: (method, path, status, client_request_id) per request."""
        with self.pipeline._log_lock:
            return list(self.pipeline.log)

    def expire_tokens(self) -> None:
        self.tokens.expire_all()

    def issue_auth_code(self) -> str:
        """A single-use code for ``grant_type=authorization_code`` (as if a user had signed in)."""
        return self.tokens.issue_code()

    def reset(self) -> None:
        """Empty tenant, no faults, empty logs and counters; the start-up tokens work again."""
        self.state.clear()
        self.faults.clear()
        self.throttle.reset()
        self.tokens.restore_static()
        with self.pipeline._log_lock:
            self.pipeline.log.clear()

    # --- state --------------------------------------------------------------------------------

    def seed_demo(self) -> None:
        demo.seed(self)

    def add_business(self, business: dict[str, Any]) -> str:
        return self.state.create_business(copy.deepcopy(business), seeding=True)["id"]

    def add_service(self, business_id: str, service: dict[str, Any]) -> str:
        return self.state.create_item(business_id, "services", copy.deepcopy(service), seeding=True)["id"]

    def add_staff_member(self, business_id: str, staff_member: dict[str, Any]) -> str:
        return self.state.create_item(business_id, "staffMembers", copy.deepcopy(staff_member), seeding=True)[
            "id"
        ]

    def add_custom_question(self, business_id: str, question: dict[str, Any]) -> str:
        return self.state.create_item(business_id, "customQuestions", copy.deepcopy(question), seeding=True)[
            "id"
        ]

    def add_customer(self, business_id: str, customer: dict[str, Any]) -> str:
        return self.state.create_item(business_id, "customers", copy.deepcopy(customer), seeding=True)["id"]

    def add_appointment(self, business_id: str, appointment: dict[str, Any]) -> str:
        return self.state.create_item(business_id, "appointments", copy.deepcopy(appointment), seeding=True)[
            "id"
        ]

    def business(self, business_id: str) -> dict[str, Any]:
        """The business as ``GET …/{id}`` returns it, without ``@odata.context``."""
        with self.state.lock:
            return copy.deepcopy(self.state.business(business_id).data)

    def businesses(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [copy.deepcopy(b.data) for b in self.state.businesses.values()]

    def items(self, business_id: str, segment: str) -> list[dict[str, Any]]:
        """Every item of ``segment`` (``"services"``, ``"staffMembers"``…) in its by-id form."""
        return self.state.items(business_id, segment_name(segment))

    def cancelled(self, business_id: str) -> dict[str, dict[str, Any]]:
        """Cancelled appointments by id, with the ``cancellationMessage`` the client sent."""
        with self.state.lock:
            return copy.deepcopy(self.state.business(business_id).cancelled)


def start_emulator(
    *,
    port: int = 0,
    seed: str | None = None,
    latency_ms: float = 0,
    fault_rate: float = 0.0,
    page_size: int = 100,
    retry_after: float = 1,
    client_id: str = "portal-client",
    client_secret: str = "portal-secret",
    tenant: str = "contoso",
    token_lifetime: int = 3600,
    **extra: Any,
) -> Emulator:
    """Start an emulator serving in a background thread; ``seed="demo"`` loads the demo tenant."""
    if seed not in (None, "demo"):
        raise ValueError(f"unknown seed {seed!r}; the only seed is 'demo'")
    emulator = Emulator(
        port=port,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        page_size=page_size,
        retry_after=retry_after,
        client_id=client_id,
        client_secret=client_secret,
        tenant=tenant,
        token_lifetime=token_lifetime,
        **extra,
    )
    if seed == "demo":
        emulator.seed_demo()
    return emulator.start()
