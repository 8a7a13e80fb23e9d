"""``energysim sweep FILE``: run a grid of lever values as one ensemble; table of outcomes.

Usage::

    energysim sweep sweeps/solar_x_electrolysers.yaml [-o DIR] [--quiet] [--dask | --scheduler ADDR]

The sweep file format is in :mod:`energysim.analysis.sweep` and docs/ensembles.md. Prints one
row per lever combination and writes ``sweep.csv`` to DIR (default ``results/<sweep name>``).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time

from energysim.analysis import sweep
from energysim.cli import add_lang_argument, arguments
from energysim.cli.commands.run import (
    add_scale_out_arguments,
    check_count,
    open_result_set,
    result_folder,
)
from energysim.execution.cluster import check_scheduler
from energysim.results.dataset import with_run_id


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="sweep YAML file")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="output directory (default: results/<sweep name>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    add_lang_argument(p)

    add_scale_out_arguments(p)


@arguments(_configure)
def sweep_command(args: argparse.Namespace) -> int:
    """Run the sweep, print and write the table; returns the exit status."""
    check_count(args.workers, "--workers")
    check_scheduler(args.scheduler)
    spec = sweep.load_sweep(args.file)
    sweep.check_sweep_budget(spec, yes=args.yes)
    out = result_folder(args.output, spec.name)
    with open_result_set(out, command="sweep", sweep=spec.name, seed=spec.seed) as rs:
        start = time.perf_counter()
        result = sweep.run_sweep(spec, workers=args.workers, dask=args.dask,
                                 scheduler=args.scheduler, progress=False if args.quiet else None,
                                 lang=args.lang, yes=args.yes)
        elapsed = time.perf_counter() - start
        print(sweep.format_table(result))
        stamped = dataclasses.replace(result, table=with_run_id(result.table, rs.run_id))
        rs.adopt(sweep.write(stamped, rs.staging))
    print(f"ran in {elapsed:.2f} s; wrote " + ", ".join(str(p) for p in rs.published))
    sys.stdout.flush()
    return 0
