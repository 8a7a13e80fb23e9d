"""``energysim calibrate``: fit parameters to historical data, write the calibrated file.

Usage::

    energysim calibrate CONFIG [-o DIR] [--holdout N] [--samples N] [--seed S]
                        [--method {mc,lhs,sobol}] [--no-figures]

CONFIG is a calibration configuration (``calibration/baseline.yaml``; keys in
docs/calibration.md). Every file (``calibrated.yaml``, the fit report, figures) goes to DIR,
by default ``results/calibration-<CONFIG name>`` in the working directory: a calibration never
changes the package. A folder holding another run's files is refused unless ``--force``.

Maintainers update the bundled calibrated part (``scenarios/parts/calibrated.yaml``, which the
bundled scenarios ``extends``) and ``calibration/output/`` with the one documented command::

    energysim calibrate calibration/baseline.yaml --update-bundled

(the configuration's ``output`` paths; docs/calibration.md). Bad input (configuration,
scenario or data) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from energysim.analysis.calibration.run import calibrate
from energysim.cli import arguments
from energysim.errors import ScenarioError, display_path
from energysim.results.outputs import claim_output_dir, mark_output_dir, run_identity
from energysim.text.numbers import fmt_sig as _g


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", metavar="CONFIG", help="calibration configuration (YAML)")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="write the calibrated parameter file, report and figures to DIR "
                        "(default: results/calibration-<CONFIG name>)")
    p.add_argument("--force", action="store_true",
                   help="overwrite a folder that holds another run's files")
    p.add_argument("--update-bundled", action="store_true",
                   help="maintainers: write to the configuration's output paths (the bundled "
                        "calibrated part and calibration/output/) instead of DIR")
    p.add_argument("--holdout", type=int, default=None, metavar="N",
                   help="hindcast: leave the last N years with data out of the fit and score "
                        "them (needs hindcast.from_year; default: the configuration's "
                        "hindcast.holdout, 0 for none)")
    p.add_argument("--samples", type=int, default=None, metavar="N",
                   help="ensemble of N samples weighted by fit (default: the configuration's, "
                        "0 for none)")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="ensemble seed")
    p.add_argument("--method", choices=("mc", "lhs", "sobol"), default=None,
                   help="ensemble sampling design")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")


@arguments(_configure)
def calibrate_command(args: argparse.Namespace) -> int:
    """Calibrate, print the fitted parameters and goodness of fit; returns the exit status."""
    argv = " ".join(sys.argv[1:]) if sys.argv and sys.argv[0].endswith("energysim") else None
    command = f"energysim {argv}" if argv else f"energysim calibrate {args.config}"
    output = calibration_folder(args)
    cal = calibrate(args.config, output_dir=output, holdout=args.holdout,
                    samples=args.samples, seed=args.seed, method=args.method,
                    figures=not args.no_figures, command=command)
    if output is not None:
        mark_output_dir(output, _identity(args))
    print(summary_text(cal))
    sys.stdout.flush()
    return 0


def _identity(args: argparse.Namespace) -> dict:
    class _Config:  # the configuration file is what identifies a calibration
        name = "calibration"
        file = args.config

    return run_identity(_Config)


def calibration_folder(args: argparse.Namespace):
    """Where ``energysim calibrate`` writes: ``-o DIR``, else
    ``results/calibration-<CONFIG name>``; ``None`` (the configuration's own paths) only with
    ``--update-bundled``. Checked before fitting
    (:func:`energysim.results.outputs.claim_output_dir`).
    """
    if args.update_bundled:
        if args.output:
            raise ScenarioError("-o DIR and --update-bundled exclude each other (expected one of "
                                "them)", key="--update-bundled")
        return None
    out = Path(args.output) if args.output else (
        Path("results") / f"calibration-{Path(args.config).stem}")
    return claim_output_dir(out, _identity(args), force=args.force)


def summary_text(cal) -> str:
    """Fitted parameters, goodness of fit and files, for the terminal."""
    res, problem = cal.result, cal.problem
    lines = [f"{problem.scenario.name}: {len(problem.fit_params)} parameters fitted to "
             f"{problem.n_residuals} points in {res.nfev} runs (cost {res.cost:.3g}; "
             f"{res.message})"]
    width = max(len(p.path) for p in problem.fit_params)
    for fp, x, se in zip(problem.fit_params, res.x, res.stderr, strict=True):
        unit = fp.fit_unit or "×"
        flag = "  AT BOUND" if fp.path in res.at_bound else ""
        lines.append(f"  {fp.path:<{width}}  {_g(float(x), 7)} {unit}  (s.e. {_g(se, 3)}){flag}")
    lines.append("goodness of fit (RMSE in the variable's unit, MAPE %, bias):")
    rows = [("main", s) for s in cal.stats]
    if cal.hindcast is not None:
        rows += [(f"hindcast {cal.hindcast.from_year}", s) for s in cal.hindcast.stats]
    w = max(len(s.name) for _, s in rows)
    for set_name, s in rows:
        lines.append(f"  {set_name:<13} {s.name:<{w}}  {s.points:<8} n={s.n}  RMSE "
                     f"{_g(s.rmse, 4)} {s.unit or ''}  MAPE {_g(s.mape, 3)}%  bias "
                     f"{_g(s.bias, 3)}")
    if cal.ensemble is not None:
        ww = cal.ensemble.weights
        lines.append(f"ensemble: {cal.ensemble.n} samples, ESS {ww.ess_importance:.1f} "
                     f"(importance), {ww.ess_rejection} within ABC tolerance {ww.tolerance:g}")
    if cal.files:
        lines.append("wrote " + ", ".join(display_path(p) for p in cal.files.values()))
    return "\n".join(lines)
