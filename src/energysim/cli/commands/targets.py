"""``energysim targets``: the traffic-light table of a scenario's targets.

Usage::

    energysim targets [SCENARIO] [--samples N] [--seed S] [--method M] [--lang zh|en]
                      [--targets FILE] [--end-year Y]

The targets are the scenario's own ``targets:`` list (the bundled scenarios carry the 2023
report's targets and the national goals), or those of ``--targets FILE``, or, when the scenario
lists none, ``scenarios/targets/report-2023.yaml``. With one sample the run is at the central
values; with ``--samples N`` the probability of meeting each target is the share of samples
meeting it. Status thresholds: docs/briefing.md.
"""

from __future__ import annotations

import argparse
import sys

from energysim.analysis import targets
from energysim.analysis.compare import run_scenario
from energysim.cli import arguments


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", default="baseline",
                   help="scenario file or bundled name (default: baseline)")
    p.add_argument("--samples", type=int, default=1, metavar="N",
                   help="number of samples (default 1: one run at the central values)")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="seed (default 0)")
    p.add_argument("--method", choices=("mc", "lhs", "sobol"), default="mc",
                   help="sampling design (default mc)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    p.add_argument("--targets", default=None, metavar="FILE",
                   help="targets file (default: the scenario's own targets)")
    p.add_argument("--end-year", type=int, default=None, metavar="Y",
                   help="last simulated year (default: the scenario's)")


@arguments(_configure)
def targets_command(args: argparse.Namespace) -> int:
    """Run the scenario, evaluate its targets, print the table."""
    ds = run_scenario(args.scenario, samples=args.samples, seed=args.seed, method=args.method,
                      end_year=args.end_year)
    chosen = args.targets if args.targets is not None else None
    table = targets.evaluate(ds, chosen, lang=args.lang)
    counts = targets.summary_counts(table)
    name = ds.attrs.get("scenario", args.scenario)
    if args.lang == "zh":
        title = (f"{name}: {len(table)} 项目标 — 达标 {counts['met']}, 有风险 "
                 f"{counts['at_risk']}, 未达标 {counts['missed']}")
    else:
        title = (f"{name}: {len(table)} targets — {counts['met']} met, {counts['at_risk']} at "
                 f"risk, {counts['missed']} missed")
    emoji = sys.stdout.isatty()
    print(targets.format_table(table, args.lang, emoji=emoji, title=title))
    return 0
