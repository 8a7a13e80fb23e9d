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

from energysim.analysis.money import run_lines
from energysim.analysis.targets import check_targets
from energysim.cli import arguments
from energysim.errors import ScenarioError
from energysim.execution import budget, ensemble, sinks
from energysim.execution.cluster import check_scheduler
from energysim.execution.memory import estimate_bytes
from energysim.execution.pipeline import run
from energysim.execution.summaries import DEFAULT_BINS, DEFAULT_QUANTILES
from energysim.results import dataset as results
from energysim.results.outputs import (
    claim_output_dir,
    default_run_dir,
    mark_output_dir,
    run_identity,
)
from energysim.results.resultset import ResultSet, check_output_path, default_output, new_run_id
from energysim.scenario import load_scenario
from energysim.text.tables import terminal_width, wrap


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
    add_run_arguments(p)  # ensemble options (docs/ensembles.md)


def parse_years(text: str | None) -> list[int] | None:
    """``--years 2025,2030`` as a list of years (None when not given); one-line error."""
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
    if wants_ensemble(args):  # ensembles: summaries, memory budget, dask, Zarr
        return ensemble_command(args)
    with _without_dask():
        return _run(args)


def output_folder(args: argparse.Namespace, scenario) -> tuple[Path, dict]:
    """The folder a run writes to and the run's identity, checked BEFORE the run: a folder
    holding another run's results is refused (one line) unless ``--force``
    (:mod:`energysim.results.outputs`)."""
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
    years = parse_years(args.years)
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
    if "investment" in ds and "system_cost" in ds:
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
    out = Path(option) if option else default_output(name, *sub)
    return check_output_path(out)


def open_result_set(out: Path, *, need_bytes: int = 0, **meta):
    """A :class:`~energysim.results.resultset.ResultSet` with a fresh run id (locks and checks
    ``out``)."""
    return ResultSet(out, run_id=new_run_id(), meta=dict(meta), need_bytes=need_bytes)


def stamp_run(ds, rs) -> None:
    """Put the run id on a Dataset about to be written, and its seed into the manifest."""
    ds.attrs["run_id"] = rs.run_id
    for key in ("scenario", "seed", "method", "n_samples", "scenario_sha256"):
        if key in ds.attrs:
            rs.meta[key] = ds.attrs[key]


# -- the `energysim run` options and command for ensembles ------------------------------------


def add_run_arguments(p) -> None:
    """Add the ensemble options to the ``energysim run`` parser."""
    g = p.add_argument_group("ensembles (docs/ensembles.md)")
    g.add_argument("--keep", default=None, metavar="summary|key|VARS",
                   help="what to keep: 'summary' (streamed, bounded memory), 'key' (the "
                        "indicator outputs) or comma-separated variables kept in full "
                        "(default: all in full)")
    g.add_argument("--max-memory", default=None, metavar="SIZE",
                   help="memory budget for kept outputs, e.g. 4GB (default: half of the "
                        "available memory); larger runs are refused before they start")
    g.add_argument("--format", choices=("nc", "zarr"), default="nc",
                   help="full results as results.nc (default) or results.zarr, written block "
                        "by block as they finish")
    add_scale_out_arguments(g)
    g.add_argument("--chunk-size", type=int, default=None, metavar="N",
                   help="samples per block (results do not depend on it)")
    g.add_argument("--quantiles", default=None, metavar="Q1,Q2,…",
                   help="summary quantiles (default 0.05,0.5,0.95)")
    g.add_argument("--exact-quantiles", action="store_true",
                   help="streamed summaries: extra passes until quantiles are exact")
    g.add_argument("--bins", type=int, default=DEFAULT_BINS, metavar="B",
                   help=f"streamed summaries: histogram bins (default {DEFAULT_BINS}; quantile "
                        "error ≤ (max − min)/B)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def add_scale_out_arguments(p) -> None:
    """``--dask``, ``--scheduler``, ``--workers``: where the blocks run (run, sensitivity,
    sweep)."""
    p.add_argument("--dask", action="store_true",
                   help="run the blocks on a local dask cluster (processes)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the blocks on a running dask.distributed scheduler")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="threads (default: the CPU count), or LocalCluster worker processes with "
                        "--dask (default 2)")
    p.add_argument("--yes", action="store_true",
                   help="run even when the time estimate exceeds one hour (docs/robustness.md)")


def check_count(value: int | None, option: str) -> None:
    """A count option (``--workers``, ``--chunk-size``) is unset or ≥ 1 (one-line error)."""
    if value is not None and value < 1:
        raise ScenarioError(f"invalid {option} (expected an integer ≥ 1, got {value})",
                            key=option)


def wants_ensemble(args) -> bool:
    """Whether ``energysim run`` should go through :func:`ensemble_command` (ensembles)."""
    return bool(
        getattr(args, "samples", 1) > 1 or args.keep or args.max_memory or args.format != "nc"
        or args.dask or args.scheduler or args.workers or args.chunk_size or args.quantiles
        or args.exact_quantiles or args.bins != DEFAULT_BINS)


def _parse_quantiles(text: str | None) -> tuple[float, ...]:
    if text is None:
        return DEFAULT_QUANTILES
    try:
        return ensemble.check_quantiles([float(x) for x in text.split(",") if x.strip()])
    except ValueError:
        raise ScenarioError(f"invalid --quantiles (expected numbers such as 0.05,0.5,0.95, got "
                            f"{text!r})", key="--quantiles") from None


def ensemble_command(args) -> int:
    """``energysim run`` for ensembles: full, summary-only, Zarr, dask; writes and prints."""
    years = parse_years(args.years)
    # the indicator table shows p5, p50 and p95: always include them
    q = tuple(sorted(set(_parse_quantiles(args.quantiles)) | set(DEFAULT_QUANTILES)))
    check_count(args.workers, "--workers")
    check_count(args.chunk_size, "--chunk-size")
    check_run_arguments(args)
    check_scheduler(args.scheduler)
    mode, _ = ensemble.check_keep(args.keep)
    scen = load_scenario(args.scenario)
    check_before_run(scen, args, years)
    out, identity = output_folder(args, scen)  # issue 14: another run's folder refused
    show = False if args.quiet else None
    with open_result_set(out, need_bytes=_set_bytes(args, scen, mode)) as rs:
        zarr_path = rs.path("results.zarr") if args.format == "zarr" else None
        start = time.perf_counter()
        ds = ensemble.run(scen, samples=args.samples, seed=args.seed, method=args.method,
                 end_year=args.end_year, keep=args.keep, chunk_size=args.chunk_size,
                 workers=args.workers, dask=args.dask, scheduler=args.scheduler,
                 max_memory=args.max_memory, quantiles=q, exact_quantiles=args.exact_quantiles,
                 bins=args.bins, zarr=zarr_path, progress=show,
                 from_year=getattr(args, "from_year", None), yes=getattr(args, "yes", False))
        elapsed = time.perf_counter() - start
        is_summary = "stat" in ds.dims
        summ = ds if is_summary else results.summary(ds, q)
        table = results.format_indicators(summ, years)  # the summary just computed: once
        stamp_run(ds, rs)
        summ.attrs["run_id"] = rs.run_id
        if zarr_path is not None:
            summ.attrs["results_store"] = str(out / "results.zarr")
            sinks.stamp_zarr(zarr_path, rs.run_id)
        if is_summary and zarr_path is None:
            results.write_netcdf(summ, rs.path("summary.nc"))
        elif not is_summary:
            results.write_netcdf(ds, rs.path("results.nc"))
        results.write_summary_csv(summ, rs.path("summary.csv"), q)
        results.write_summary_xlsx(summ, rs.path("summary.xlsx"), q)
    mark_output_dir(out, identity)
    written = rs.published
    n = int(ds.attrs["n_samples"])
    where = ("dask " + (args.scheduler or "LocalCluster")) if (args.dask or args.scheduler) \
        else "local"
    mode_text = {"all": "all outputs kept", "vars": f"kept {args.keep}",
                 "summary": "summary only"}[mode]
    print(f"{ds.attrs['scenario']}: {n} sample{'s' if n > 1 else ''}, "
          f"{int(ds['year'][0])}–{int(ds['year'][-1])}, seed {ds.attrs['seed']}, "
          f"{ds.attrs['method']}; {mode_text}; {where}; {elapsed:.2f} s")
    if is_summary and "quantile_method" in summ.attrs:
        print(f"quantiles: {summ.attrs['quantile_method']}; error bound "
              f"{summ.attrs['quantile_error_bound']}")
    print(table)
    _print_money(ds)
    print("wrote " + ", ".join(str(p) for p in written))
    sys.stdout.flush()
    return 0


def _set_bytes(args, scen, mode: str) -> int:
    """Rough size of the files a run writes [bytes] (for the free-space check)."""
    T = budget.n_years(scen, args.end_year)
    if isinstance(args.samples, int) and args.samples >= 1 and mode != "summary":
        names = ensemble.check_keep(args.keep)[1] or list(ensemble.all_output_names())
        return estimate_bytes(args.samples, T, names)
    return estimate_bytes(len(DEFAULT_QUANTILES) + 4, T, list(ensemble.all_output_names())) * 3
