"""``energysim sensitivity``: Sobol' or Morris indices of scenario outputs.

Usage::

    energysim sensitivity [SCENARIO] --outputs co2_total@2030,coal_output@2035
                          [--method sobol|morris] [--samples N] [--seed S] [-o DIR]

Prints the indices (first-order ``S1`` and total ``ST`` with 95 % confidence half-widths, or
Morris ``mu*``, ``mu``, ``sigma``) and writes ``sensitivity.csv`` and one tornado chart per
output (``tornado_<output>.png``) to DIR (default ``results/<scenario>/sensitivity``).
docs/ensembles.md explains the method.
"""

from __future__ import annotations

import argparse
import sys
import time

from energysim.analysis import sensitivity
from energysim.briefing.chart_files import write_tornado_charts
from energysim.cli import arguments
from energysim.cli.commands.run import (
    add_scale_out_arguments,
    check_count,
    check_run_arguments,
    open_result_set,
    result_folder,
)
from energysim.execution.cluster import check_scheduler
from energysim.results.dataset import with_run_id
from energysim.scenario import load_scenario


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", default="baseline",
                   help="scenario file or bundled name (default: baseline)")
    p.add_argument("--outputs", default="co2_total@2030", metavar="VAR@YEAR,…",
                   help="outputs: variable@year or variable[label]@year, comma-separated "
                        "(default co2_total@2030)")
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol",
                   help="Sobol' indices (Saltelli design) or Morris elementary effects "
                        "(default sobol)")
    p.add_argument("--samples", type=int, default=1024, metavar="N",
                   help="base samples: a power of two for Sobol' (N·(d+2) model runs), "
                        "trajectories for Morris (N·(d+1) runs); default 1024")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="seed of the design and of the bootstrap (default 0)")
    p.add_argument("--levels", type=int, default=4, metavar="L",
                   help="Morris grid levels (default 4)")
    p.add_argument("--end-year", type=int, default=None, metavar="Y",
                   help="last simulated year (default: the scenario's)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="output directory (default: results/<scenario>/sensitivity)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of the charts (default zh)")
    p.add_argument("--no-chart", action="store_true", help="only the table")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--max-memory", default=None, metavar="SIZE",
                   help="memory budget of the design, e.g. 4GB (default: half of the available "
                        "memory); larger designs are refused before they are drawn")

    add_scale_out_arguments(p)


@arguments(_configure)
def sensitivity_command(args: argparse.Namespace) -> int:
    """Compute, print and write the sensitivity table and charts; returns the exit status."""
    check_count(args.workers, "--workers")
    check_scheduler(args.scheduler)
    check_run_arguments(args)
    scen = load_scenario(args.scenario)
    out = result_folder(args.output, scen.name, "sensitivity")
    with open_result_set(out, command="sensitivity", scenario=scen.name,
                         seed=0 if args.seed is None else args.seed) as rs:
        start = time.perf_counter()
        result = sensitivity.analyse_scenario(
            scen, args.outputs, method=args.method, samples=args.samples, seed=args.seed,
            end_year=args.end_year, levels=args.levels, workers=args.workers, dask=args.dask,
            scheduler=args.scheduler, progress=False if args.quiet else None, yes=args.yes,
            max_memory=args.max_memory)
        elapsed = time.perf_counter() - start
        print(sensitivity.format_table(result, args.lang))
        result.table = with_run_id(result.table, rs.run_id)
        rs.adopt(sensitivity.write(result, rs.staging))
        if not args.no_chart:
            rs.adopt(write_tornado_charts(result, rs.staging, lang=args.lang))
    print(f"computed in {elapsed:.2f} s; wrote " + ", ".join(str(p) for p in rs.published))
    sys.stdout.flush()
    return 0
