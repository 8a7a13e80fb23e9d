"""``energysim report``: the one-to-three page brief of one or more scenarios.

Usage::

    energysim report SCENARIO… [-o brief.pdf] [--format pdf|png|html] [--lang zh|en]
                     [--samples N] [--drivers T] [--seed S] [--method M] [--wedge-year Y]

The first scenario is the reference of the comparison and of the assumptions table; each other
scenario's policy wedges are computed against the scenario it extends. The file is written
atomically (temporary name, then rename): an error leaves nothing behind.
"""

from __future__ import annotations

import argparse

from energysim.briefing.report import build_brief, write_brief
from energysim.cli import arguments
from energysim.results.outputs import output_file


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario files or bundled names; the first is the reference")
    p.add_argument("-o", "--output", default=None, metavar="FILE|DIR",
                   help="output file, or a folder to write brief.<format> in (default "
                        "brief.<format>)")
    p.add_argument("--format", choices=("pdf", "png", "html"), default=None,
                   help="output format (default: from the file suffix, else pdf)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of the brief (default zh, with English subtitles)")
    p.add_argument("--samples", type=int, default=200, metavar="N",
                   help="samples per scenario (default 200: an ensemble with p5–p95 bands; "
                   "1: central values)")
    p.add_argument("--drivers", type=int, default=8, metavar="T",
                   help="Morris trajectories for the top-drivers table (default 8; 0: none)")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="seed (default 0)")
    p.add_argument("--method", choices=("mc", "lhs", "sobol"), default="mc",
                   help="sampling design (default mc)")
    p.add_argument("--wedge-year", type=int, default=2030, metavar="Y",
                   help="year of the policy-wedge table (default 2030)")


@arguments(_configure)
def report_command(args: argparse.Namespace) -> int:
    """Build and write the brief; prints the file written."""


    fmt = args.format
    out = output_file(args.output, f"brief.{fmt or 'pdf'}")
    brief = build_brief(args.scenarios, samples=args.samples, seed=args.seed,
                        method=args.method, lang=args.lang, wedge_year=args.wedge_year,
                        drivers=args.drivers)
    path = write_brief(brief, out, format=fmt)
    print(f"wrote {path} ({', '.join(brief.names)})")
    return 0
