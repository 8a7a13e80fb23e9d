"""``energysim compare``: key indicators side by side, the parameter diff, comparison charts.

Usage::

    energysim compare A B … [-o DIR] [--samples N] [--seed S] [--lang zh|en]
                      [--years Y1,Y2,…] [--no-charts]

Prints the key indicators of every scenario side by side (report units), then, for each
scenario after the first, exactly the parameters whose resolved values differ from the first's
(both values in the report's units). Writes the comparison charts (PNG) to DIR (default
``results/compare-A-B…``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from energysim.analysis.compare import compare, format_comparison, format_diff
from energysim.analysis.money import (
    comparison_abatement,
    format_abatement,
    format_money_table,
    money_table,
)
from energysim.briefing.chart_files import write_comparison_charts
from energysim.briefing.money_pages import write_money_charts
from energysim.cli import arguments
from energysim.cli.commands.run import parse_years


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario files or bundled names; the first is the reference")
    p.add_argument("-o", "--output", default=None, metavar="DIR",
                   help="directory of the charts (default results/compare-<names>)")
    p.add_argument("--samples", type=int, default=1, metavar="N",
                   help="samples per scenario (default 1: central values)")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="seed (default 0)")
    p.add_argument("--method", choices=("mc", "lhs", "sobol"), default="mc",
                   help="sampling design (default mc)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    p.add_argument("--years", default=None, metavar="Y1,Y2,…",
                   help="years of the table (default 2022,2025,2030,2035,2060)")
    p.add_argument("--no-charts", action="store_true", help="print only, write no charts")


@arguments(_configure)
def compare_command(args: argparse.Namespace) -> int:
    """Run the scenarios, print the table and diffs, write the charts."""
    comp = compare(args.scenarios, samples=args.samples, seed=args.seed, method=args.method,
                   years=parse_years(args.years), lang=args.lang)
    print(format_comparison(comp.table, args.lang))
    ref = comp.reference
    for name, diff in comp.diffs.items():
        print()
        print(format_diff(diff, ref, name, args.lang))
    abatement = _print_money(comp, args.lang)
    if not args.no_charts:
        safe = "-".join("".join(c if c.isalnum() or c in "-_" else "_" for c in n)
                        for n in comp.datasets)
        out = Path(args.output) if args.output else Path("results") / f"compare-{safe}"
        written = write_comparison_charts(comp, out, lang=args.lang)
        written += _money_charts(comp, abatement, out, args.lang)
        print()
        print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _print_money(comp, lang: str) -> list:
    """Cumulative investment, cost differences and abatement costs (issue 16;
    energysim.analysis.money).

    Returns the abatement costs of the scenarios that extend a parent (for the MAC charts).
    """
    print()
    print(format_money_table(money_table(comp.datasets, lang), lang))
    abatement = comparison_abatement(comp.scenarios)
    for ac in abatement:
        print()
        print(format_abatement(ac, lang))
    return abatement


def _money_charts(comp, abatement: list, out, lang: str) -> list:
    return write_money_charts(comp.datasets, abatement, out, lang=lang)
