"""``energysim app``: the what-if page in the browser.

Usage::

    energysim app [SCENARIO] [--port P] [--host 127.0.0.1] [--samples N] [--seed S]

Loads the scenario first (a bad file gets the one line of ``energysim validate`` and exit
status 2), then imports the web server (Starlette, uvicorn) — never on the start-up path of
the other commands — and prints the page's address. ``--port 0`` picks a free port.
"""

from __future__ import annotations

import argparse
import sys

from energysim.briefing.app.answers import Session, base_from_source
from energysim.briefing.app.server import serve
from energysim.cli import arguments
from energysim.errors import ScenarioError


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", default="baseline", metavar="SCENARIO",
                   help="scenario file or bundled name (default baseline)")
    p.add_argument("--port", type=int, default=8050, metavar="P",
                   help="port (default 8050; 0 = any free port)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--samples", type=int, default=500, metavar="N",
                   help="samples of the uncertainty band and P(meet) (default 500)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="seed of the band (default 1)")


@arguments(_configure)
def app_command(args: argparse.Namespace) -> int:
    """Start the page; returns when interrupted."""
    if not 0 <= args.port <= 65535:
        raise ScenarioError(f"port out of range (expected 0–65535, got {args.port})",
                            key="--port")
    if args.samples < 2:
        raise ScenarioError(f"too few samples for a band (expected ≥ 2, got {args.samples})",
                            key="--samples")

    session = Session(base_from_source(args.scenario), samples=args.samples, seed=args.seed)

    def announce(url: str) -> None:
        print(f"energysim app: {url}  (scenario {args.scenario}; Ctrl-C stops)", flush=True)

    serve(session, host=args.host, port=args.port, announce=announce)
    sys.stdout.flush()
    return 0
