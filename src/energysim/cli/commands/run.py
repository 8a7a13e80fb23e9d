"""``energysim run``: run a scenario, write results.nc, summary.csv, summary.xlsx, print indicators.

Usage::

    energysim run [SCENARIO] [-o DIR] [--samples N] [--seed S] [--end-year Y]
                  [--method {mc,lhs,sobol,central}] [--years Y1,Y2,…] [--from-year Y]

SCENARIO is a scenario file or the name of a bundled scenario (default: ``baseline``); DIR
defaults to ``results/<scenario name>`` plus the variant of other runs
(``results/baseline-from2021``, ``results/accelerated-n1000-seed1``). A folder that holds
the results of another run is refused in one line unless ``--force``
(:mod:`energysim.results.outputs`). Every file is written atomically (temporary name, then
rename), so an interrupted or failed run leaves no partial file.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from energysim.cli import arguments
from energysim.errors import ScenarioError


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        help="scenario file or bundled name (default: baseline)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="output folder (default: results/<scenario name>, with the variant appended for "
        "other runs: results/baseline-from2021, results/accelerated-n1000)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite a folder that holds the results of another run",
    )
    p.add_argument(
        "--samples",
        type=int,
        default=1,
        metavar="N",
        help="number of samples (default 1: a deterministic run)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="seed of the sampling design (default 0); stored in the results",
    )
    p.add_argument(
        "--end-year",
        type=int,
        default=None,
        metavar="Y",
        help="last simulated year (default: the scenario's)",
    )
    p.add_argument(
        "--from-year",
        type=int,
        default=None,
        metavar="Y",
        help="hindcast: start in year Y instead of the base year (initial stocks = "
        "end of Y-1; series keep their calendar years; docs/calibration.md)",
    )
    p.add_argument(
        "--method",
        choices=("mc", "lhs", "sobol", "central"),
        default=None,
        help="sampling design (default: central for one sample, i.e. the scenario as "
        "written; mc for more)",
    )
    p.add_argument(
        "--years",
        default=None,
        metavar="Y1,Y2,…",
        help="years of the indicator table (default 2022,2025,2030,2035,2060)",
    )
    from energysim.execution.ensemble import (  # ensemble options (docs/ensembles.md)
        add_run_arguments,
    )

    add_run_arguments(p)


def _years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        raise ScenarioError(
            f"invalid --years (expected comma-separated years such as 2025,2030, got {text!r})",
            key="--years",
        ) from None


@contextmanager
def _without_dask():
    """Keep xarray from importing dask and distributed (~0.3–0.6 s of start-up) and pint
    (~0.1 s) in this process.

    xarray probes for dask and pint arrays when it builds and writes a Dataset, and caches the
    answer; our arrays are plain numpy. Only done when xarray is not imported yet (a fresh
    ``energysim run`` process), so an interactive session that uses dask is never affected.
    :mod:`energysim.units` still imports pint if it needs it (a unit it has not read before).
    """
    hide = (
        []
        if "xarray" in sys.modules
        else [m for m in ("dask", "distributed", "pint") if m not in sys.modules]
    )
    for m in hide:
        sys.modules[m] = None  # type: ignore[assignment]  # `import dask` fails fast
    try:
        yield
    finally:
        for m in hide:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]


@arguments(_configure)
def run_command(args: argparse.Namespace) -> int:
    """Run, write the three files, print the key indicators; returns the exit status."""
    from energysim.execution import ensemble

    if ensemble.wants_ensemble(args):  # ensembles: summaries, memory budget, dask, Zarr
        return ensemble.run_command(args)
    with _without_dask():
        return _run(args)


def output_folder(args: argparse.Namespace, scenario) -> tuple[Path, dict]:
    """The folder a run writes to and the run's identity, checked BEFORE the run: a folder
    holding another run's results is refused (one line) unless ``--force``
    (:mod:`energysim.results.outputs`)."""
    from energysim.results.outputs import claim_output_dir, default_run_dir, run_identity

    variant = dict(
        from_year=getattr(args, "from_year", None),
        end_year=args.end_year,
        samples=args.samples,
        seed=args.seed,
        method=args.method,
    )
    out = Path(args.output) if args.output else default_run_dir(scenario.name, **variant)
    identity = run_identity(scenario, **variant)
    claim_output_dir(out, identity, force=getattr(args, "force", False))
    return out, identity


def _run(args: argparse.Namespace) -> int:
    from energysim.execution.pipeline import run
    from energysim.results import dataset as results
    from energysim.results.outputs import mark_output_dir
    from energysim.scenario import load_scenario

    years = _years(args.years)
    check_run_arguments(args)
    scen = load_scenario(args.scenario)  # one line on a bad file, before any folder is made
    check_before_run(scen, args, years)
    out, identity = output_folder(args, scen)  # issue 14: another run's folder refused
    with open_result_set(out, samples=args.samples, end_year=args.end_year) as rs:
        start = time.perf_counter()
        ds = run(
            scen,
            samples=args.samples,
            seed=args.seed,
            method=args.method,
            end_year=args.end_year,
            from_year=args.from_year,
        )
        elapsed = time.perf_counter() - start
        table = results.format_indicators(ds, years)  # validates --years before writing anything
        stamp_run(ds, rs)
        summ = results.summary(ds)
        results.write_netcdf(ds, rs.path("results.nc"))
        results.write_summary_csv(summ, rs.path("summary.csv"))
        results.write_summary_xlsx(summ, rs.path("summary.xlsx"))
    mark_output_dir(out, identity)
    written = rs.published
    n = ds.sizes["sample"]
    print(
        f"{ds.attrs['scenario']}: {n} sample{'s' if n > 1 else ''}, "
        f"{int(ds['year'][0])}–{int(ds['year'][-1])}, seed {ds.attrs['seed']}, "
        f"{ds.attrs['method']}; simulated in {elapsed:.2f} s"
    )
    print(table)
    _print_money(ds)
    print("wrote " + ", ".join(str(p) for p in written))
    sys.stdout.flush()
    return 0


def _print_money(ds) -> None:
    """Investment, system cost and levelised costs of the run (issue 16;
    energysim.analysis.money)."""
    from energysim.analysis.money import run_lines

    if "investment" in ds and "system_cost" in ds:
        from energysim.text.tables import terminal_width, wrap

        width = terminal_width()  # lines fit the terminal; continuations indented
        for zh, en in zip(run_lines(ds, lang="zh"), run_lines(ds, lang="en"), strict=True):
            for line in (zh, en):
                first, *rest = wrap(line, width)
                print(first)
                for part in rest:
                    print(f"  {part}")



# -- output folder and result set (docs/robustness.md) ---------------------------------------
#: Largest seed accepted (the designs use numpy's 64-bit seeds).
MAX_SEED = 2**64 - 1


def check_run_arguments(args: argparse.Namespace) -> None:
    """One-line errors for ``--samples``, ``--seed`` and ``--end-year`` before anything runs."""
    samples = getattr(args, "samples", None)
    if samples is not None and samples < 1:
        raise ScenarioError(f"invalid --samples (expected an integer ≥ 1, got {samples})",
                            key="--samples")
    seed = getattr(args, "seed", None)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise ScenarioError(f"invalid --seed (expected an integer from 0 to 2**64 - 1, got "
                            f"{seed})", key="--seed")


def check_before_run(scen, args: argparse.Namespace, years: list[int] | None) -> None:
    """What ``validate`` checks (targets) and the indicator years, before anything runs."""
    from energysim.analysis.targets import check_targets

    check_targets(scen)
    if years is None:
        return
    first = args.from_year if getattr(args, "from_year", None) is not None else scen.base_year
    last = args.end_year if args.end_year is not None else scen.end_year
    if isinstance(first, int) and isinstance(last, int):
        missing = [y for y in years if not first <= y <= last]
        if missing:
            raise ScenarioError(
                f"indicator years outside the simulated years (expected {first}–{last}, "
                f"got {missing})", key="years")


def result_folder(option: str | None, name: str, *sub: str) -> Path:
    """The output folder: ``-o DIR`` as given, else ``results/<safe name>[/sub]``, checked."""
    from energysim.results.resultset import check_output_path, default_output

    out = Path(option) if option else default_output(name, *sub)
    return check_output_path(out)


def open_result_set(out: Path, *, need_bytes: int = 0, **meta):
    """A :class:`~energysim.results.resultset.ResultSet` with a fresh run id (locks and checks
    ``out``)."""
    from energysim.results.resultset import ResultSet, new_run_id

    return ResultSet(out, run_id=new_run_id(), meta=dict(meta), need_bytes=need_bytes)


def stamp_run(ds, rs) -> None:
    """Put the run id on a Dataset about to be written, and its seed into the manifest."""
    ds.attrs["run_id"] = rs.run_id
    for key in ("scenario", "seed", "method", "n_samples", "scenario_sha256"):
        if key in ds.attrs:
            rs.meta[key] = ds.attrs[key]
