"""Chart files of the analyses: the comparison charts and the tornado charts, as PNG files.

* :func:`write_comparison_charts` — ``comparison.png`` (small multiples of the key
  indicators) and, per scenario, ``<name>-co2.png`` and ``<name>-capacity.png``
  (``energysim compare``, :func:`energysim.analysis.compare.compare`);
* :func:`write_tornado_charts` — one ``tornado_<output>.png`` per output of a sensitivity
  analysis (``energysim sensitivity``, :mod:`energysim.analysis.sensitivity`).

Every file is written atomically (:func:`energysim.briefing.plots.save`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from energysim.analysis.compare import Comparison
from energysim.analysis.sensitivity import SensitivityResult, parameter_label
from energysim.briefing import plots

__all__ = ["write_comparison_charts", "write_tornado_charts"]


def write_comparison_charts(comparison: Comparison, outdir: str | os.PathLike, *,
                            lang: str = "zh", dpi: int = 150) -> list[Path]:
    """Write the comparison charts as PNG files (atomically) into ``outdir``.

    Files: ``comparison.png`` (small multiples of the key indicators), and per scenario
    ``<name>-co2.png`` (CO2 by sector) and ``<name>-capacity.png`` (capacity mix).

    Returns
    -------
    list of pathlib.Path
    """
    out = Path(outdir)
    written = [plots.save(plots.scenario_comparison(comparison.datasets, lang=lang),
                          out / "comparison.png", dpi=dpi)]
    for name, ds in comparison.datasets.items():
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        written.append(plots.save(plots.co2_by_sector(ds, lang=lang), out / f"{safe}-co2.png",
                                  dpi=dpi))
        written.append(plots.save(plots.capacity_mix(ds, lang=lang),
                                  out / f"{safe}-capacity.png", dpi=dpi))
    return written


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")


def write_tornado_charts(result: SensitivityResult, out_dir: str | os.PathLike, *,
                         lang: str = "zh") -> list[Path]:
    """Write one tornado chart per output (``tornado_<output>.png``, atomically): total-order
    Sobol' indices ``ST`` or Morris ``mu_star`` by parameter.

    Returns
    -------
    list of pathlib.Path
    """
    out = Path(out_dir)
    col = "ST" if result.method == "sobol" else "mu_star"
    written = []
    for name in dict.fromkeys(result.table["output"]):
        sub = result.table[result.table["output"] == name]
        frame = sub.assign(parameter=[parameter_label(p, k, lang) for p, k in
                                      zip(sub["parameter"], sub["kind"], strict=True)])
        frame = frame.set_index("parameter")[[col]]
        fig = plots.tornado(frame, lang=lang, output=name)
        written.append(plots.save(fig, out / f"tornado_{_slug(name)}.png"))
    return written
