"""``energysim plot``: chart a saved run (results.nc) without rerunning it.

Usage::

    energysim plot RESULTS.nc --chart NAME [-o out.png] [--year Y] [--lang zh|en] [--dpi D]
    energysim plot A.nc B.nc … --chart scenario_comparison -o comparison.png
    energysim plot --chart tornado --table sensitivity.csv [--indicator NAME] -o tornado.png

NAME is one of the single-run charts of :data:`energysim.briefing.plots.CHARTS` (capacity_mix,
generation_mix, coal_balance, co2_by_sector, hydrogen_balance, storage, truck_fleet,
water_use, energy_flow), ``scenario_comparison`` (one or more results files) or ``tornado``
(a sensitivity table as CSV: a ``parameter`` column and either ``low``/``high`` or an index
column such as ``ST``; a table of ``energysim sensitivity`` with several outputs is cut to
``--indicator NAME``, default its first). The format follows the suffix of ``-o`` (png, pdf, svg).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from energysim.briefing import plots
from energysim.briefing.plots import CHARTS
from energysim.cli import arguments
from energysim.errors import ScenarioError
from energysim.results.outputs import output_file
from energysim.results.resultset import MANIFEST, STAGING

MULTI = ("scenario_comparison",)
TABLE = ("tornado",)


def _chart_names() -> list[str]:
    return [*CHARTS, *MULTI, *TABLE]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="RESULTS.nc",
                   help="results files written by `energysim run`")
    p.add_argument("--chart", required=True, choices=_chart_names(), metavar="NAME",
                   help=f"one of: {', '.join(_chart_names())}")
    p.add_argument("-o", "--output", default=None, metavar="FILE|DIR",
                   help="output image (default <chart>.png)")
    p.add_argument("--year", type=int, default=None, metavar="Y",
                   help="year of the energy-flow chart (default 2030)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    p.add_argument("--table", default=None, metavar="CSV", help="sensitivity table (tornado)")
    p.add_argument("--indicator", default=None, metavar="NAME",
                   help="output of a sensitivity table with several (default: its first)")
    p.add_argument("--dpi", type=int, default=150, help="resolution of raster output")


def open_results(path: str):
    """Read a results file (NetCDF, engine h5netcdf) into memory.

    Raises
    ------
    ScenarioError
        When the file is missing or is not an energysim results file.
    """
    import xarray as xr  # lazy: xarray (~0.3 s) loads only when a Dataset is built or read

    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"file not found (expected a results file from `energysim run`, got "
                            f"{path!r})", file=str(path))
    try:
        with xr.open_dataset(p, engine="h5netcdf") as ds:
            ds = ds.load()
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"not a NetCDF results file (expected results.nc written by "
                            f"`energysim run`, got {type(exc).__name__})", file=str(path)) from None
    if "year" not in ds.dims:
        raise ScenarioError("not an energysim results file (expected a year dimension, got "
                            f"dims {list(ds.dims)})", file=str(path))
    check_in_set(p, ds)
    return ds


def check_in_set(path, ds) -> None:
    """A results file inside a result set belongs to the set's manifest (docs/robustness.md).

    Refuses, with one line, a file from an interrupted publish or from another run than the
    manifest beside it names (a mixed folder). Files outside a set (no manifest) are read as is.
    """
    folder = path.parent
    if any((s / MANIFEST).is_file() for s in folder.glob(f"{STAGING}*")):
        raise ScenarioError("interrupted result set (expected a published set, got a run killed "
                            "while publishing)", file=str(path),
                            hint="run the same command into this folder again to finish it")
    manifest = folder / MANIFEST
    rid = ds.attrs.get("run_id")
    if not manifest.is_file() or rid is None:
        return

    try:
        named = json.loads(manifest.read_text(encoding="utf-8")).get("run_id")
    except (OSError, ValueError):
        return
    if named != rid:
        raise ScenarioError(f"results file of another run (expected run {named} of "
                            f"{MANIFEST}, got run {rid})", file=str(path))


def _read_table(path: str):
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise ScenarioError(f"file not found (expected a sensitivity table CSV, got {path!r})",
                            file=path, key="--table") from None


@arguments(_configure)
def plot_command(args: argparse.Namespace) -> int:
    """Draw one chart from saved results and write it atomically."""


    out = output_file(args.output, f"{args.chart}.png")
    if args.chart in TABLE:
        if args.table is None:
            raise ScenarioError("the tornado chart needs a sensitivity table (expected --table "
                                "FILE.csv, got none)", key="--table")
        table = _read_table(args.table)
        name = None
        if "output" in table.columns:  # `energysim sensitivity` writes one block per output
            names = list(dict.fromkeys(table["output"].astype(str)))
            name = args.indicator or names[0]
            if name not in names:
                raise ScenarioError(f"no output {name!r} in the table (expected one of "
                                    f"{', '.join(names)})", key="--indicator")
            table = table[table["output"].astype(str) == name]
        fig = plots.tornado(table, lang=args.lang, output=name)
    else:
        if not args.files:
            raise ScenarioError("no results file (expected one or more RESULTS.nc, got none)",
                                key="files")
        runs = [open_results(f) for f in args.files]
        if args.chart in MULTI:
            fig = plots.scenario_comparison(runs, lang=args.lang)
        else:
            if len(runs) > 1:
                raise ScenarioError(f"{args.chart} draws one run (expected one results file, got "
                                    f"{len(runs)})", key="files")
            fn = plots.CHARTS[args.chart]
            kwargs = {"year": args.year} if args.chart == "energy_flow" else {}
            fig = fn(runs[0], lang=args.lang, **kwargs)
    plots.save(fig, out, dpi=args.dpi)
    print(f"wrote {out}")
    return 0
