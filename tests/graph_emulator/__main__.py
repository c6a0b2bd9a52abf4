"""Command line: ``python -m tests.graph_emulator --port 8765 --seed demo``.

Prints exactly one line once it is serving —
``EMULATOR http://127.0.0.1:N/v1.0 delegated-token=<t> app-token=<t>`` — so scripts and tests can
wait for it and read the URL and tokens, then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import start_emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.graph_emulator", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--seed", choices=["demo"], help="load the demo tenant")
    parser.add_argument("--latency-ms", type=float, default=0, help="added to every Graph request")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="chance of a transient 503/429 per request"
    )
    parser.add_argument("--random-seed", type=int, default=0, help="seed for --fault-rate")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--retry-after", type=float, default=1, help="Retry-After seconds on 429/503")
    parser.add_argument("--tenant", default="contoso")
    parser.add_argument("--client-id", default="portal-client")
    parser.add_argument("--client-secret", default="portal-secret")
    parser.add_argument("--token-lifetime", type=int, default=3600, help="seconds, for tokens from /token")
    parser.add_argument("--delegated-token", help="fixed start-up delegated token (default: random)")
    parser.add_argument("--app-token", help="fixed start-up app token (default: random)")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    emulator = start_emulator(
        port=args.port,
        seed=args.seed,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        page_size=args.page_size,
        retry_after=args.retry_after,
        client_id=args.client_id,
        client_secret=args.client_secret,
        tenant=args.tenant,
        token_lifetime=args.token_lifetime,
        random_seed=args.random_seed,
        delegated_token=args.delegated_token,
        app_token=args.app_token,
    )
    tokens = f"delegated-token={emulator.delegated_token} app-token={emulator.app_token}"
    print(f"EMULATOR {emulator.base_url} {tokens}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
