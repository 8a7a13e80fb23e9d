"""Fitted-vs-observed figures (matplotlib, imported here only)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from energysim.core.engine import output_specs

__all__ = ["draw_figures", "slug"]


def slug(text: str) -> str:
    """File-name form of a variable expression: ``growth(generation)`` → ``growth-generation``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "series"


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> np.ndarray:
    """Quantiles along axis 0 of ``values`` (n, T) with sample weights (n,): shape (len(qs), T)."""
    order = np.argsort(values, axis=0)
    v = np.take_along_axis(values, order, axis=0)
    w = weights[order]
    cw = np.cumsum(w, axis=0)
    cw /= cw[-1]
    out = np.empty((len(qs), values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.interp(qs, cw[:, j], v[:, j])
    return out


def draw_figures(cal, out_dir: Path, write) -> dict[str, Path]:
    """One PNG per observed variable: the fitted run, the observations, the hindcast.

    Parameters
    ----------
    cal : Calibration
    out_dir : Path
    write : callable (path, bytes) -> Path
        Atomic writer.

    Returns
    -------
    dict of str to Path
        ``"figure:<variable>"`` → file.
    """
    import matplotlib  # lazy: matplotlib (~0.2 s) loads only when drawing

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # lazy: matplotlib (~0.2 s) loads only when drawing


    specs = output_specs()
    problem = cal.problem
    years = problem.years
    groups: dict[str, list[int]] = {}
    for i, o in enumerate(problem.observations):
        groups.setdefault(o.expr.text, []).append(i)
    files = {}
    markers = "osD^v<>p"
    for text, idx in groups.items():
        expr = problem.observations[idx[0]].expr
        spec = specs[expr.name]
        pct = expr.growth or expr.unit in ("", "1")
        factor = 100.0 if pct else 1.0
        unit = "%" if pct else expr.unit
        fig, ax = plt.subplots(figsize=(7.0, 4.2), dpi=110)
        y = expr.evaluate(cal.outputs)[0] * factor
        ax.plot(years, y, color="C0", lw=2, label=f"fitted run (from {int(years[0])})")
        ens = cal.ensemble
        if ens is not None:
            ev = np.asarray(expr.evaluate(ens.outputs), dtype=np.float64) * factor
            if ev.shape[0] > 1:
                q = _weighted_quantiles(ev, ens.weights.importance, [0.05, 0.95])
                ax.fill_between(years, q[0], q[1], color="C0", alpha=0.18, lw=0,
                                label=f"ensemble 5–95% (weighted, ESS "
                                      f"{ens.weights.ess_importance:.0f} of {ens.n})")
        hc = cal.hindcast
        if hc is not None:
            hout = hc.problem.simulate(hc.result.x)
            hy = expr.evaluate(hout)[0] * factor
            ax.plot(hc.problem.years, hy, color="C3", lw=1.5, ls="--",
                    label=f"hindcast from {hc.from_year}, fitted to ≤ {max(hc.fit_years)}")
        for k, i in enumerate(idx):
            o = problem.observations[i]
            vals = o.values * factor
            filled = o.spec.role == "fit"
            m = markers[k % len(markers)]
            ax.plot(o.years, vals, ls="none", marker=m, ms=7,
                    mfc=f"C{k + 1}" if filled else "none", mec=f"C{k + 1}", mew=1.5,
                    label=f"{o.name} [{o.spec.role}]")
            if hc is not None and o.spec.role == "fit":
                held = np.isin(o.years, hc.held_out)
                if held.any():
                    ax.plot(o.years[held], vals[held], ls="none", marker="x", ms=11,
                            color="C3", mew=1.8)
        if hc is not None and any(
                problem.observations[i].spec.role == "fit"
                and np.isin(problem.observations[i].years, hc.held_out).any() for i in idx):
            ax.plot([], [], ls="none", marker="x", color="C3", label="held out (hindcast)")
        ax.set_title(f"{spec.en}: {text}", fontsize=10)
        ax.set_xlabel("year")
        ax.set_ylabel(f"{'growth' if expr.growth else spec.en} [{unit}]" if unit else spec.en)
        ax.grid(alpha=0.3)
        first = min([int(years[0])] + [int(problem.observations[i].years.min()) for i in idx])
        if hc is not None:
            first = min(first, hc.from_year)
        ax.set_xlim(first - 0.5, int(years[-1]) + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7.5, loc="best")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        path = out_dir / f"fit-{slug(text)}.png"
        files[f"figure:{text}"] = write(path, buf.getvalue())
    return files
