"""Sweep the main power levers on the bundled baseline and print the table of docs/model.md
("How the levers move the answer"): each row is a child scenario (``extends: baseline``) that
changes one lever, run deterministically; the columns are 2030 values.

    python scripts/lever_sweep.py
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import energysim as es

LEVERS = [
    ("solar 100万千瓦/yr from 2024",
     "power.solar.add: {values: {2022: 0万千瓦, 2023: 376万千瓦, 2024: 100万千瓦}, "
     "interpolation: step}"),
    ("solar 300万千瓦/yr from 2024",
     "power.solar.add: {values: {2022: 0万千瓦, 2023: 376万千瓦, 2024: 300万千瓦}, "
     "interpolation: step}"),
    ("wind 50万千瓦/yr from 2024",
     "power.wind.add: {values: {2022: 0万千瓦, 2023: 94万千瓦, 2024: 50万千瓦}, interpolation: step}"),
    ("wind 200万千瓦/yr from 2024",
     "power.wind.add: {values: {2022: 0万千瓦, 2023: 94万千瓦, 2024: 200万千瓦}, "
     "interpolation: step}"),
    ("export outlets 1000万千瓦 from 2026",
     "power.export.grid_capacity: {values: {2021: 668万千瓦, 2022: 800万千瓦, 2023: 1064万千瓦, "
     "2026: 1000万千瓦}}"),
    ("export outlets 1600万千瓦 from 2026",
     "power.export.grid_capacity: {values: {2021: 668万千瓦, 2022: 800万千瓦, 2023: 1064万千瓦, "
     "2026: 1600万千瓦}}"),
    ("storage 0% of new wind and solar", "storage.allocation_share: 0"),
    ("storage 50% of new wind and solar", "storage.allocation_share: 0.5"),
    ("electrolysers 50% on dedicated renewables", "hydrogen.electrolyser.dedicated_share: 0.5"),
    ("coal minimum 1,500 h", "power.coal.min_hours: 1500 h"),
]


def row(ds, label: str, year: int = 2030) -> str:
    def g(name, **sel):
        return float(ds[name].sel(year=year, **sel).values.ravel()[0])

    peak = float(ds["co2_peak_year"].values.ravel()[0])
    return (f"| {label} | {g('co2_total'):.1f} | {g('power_hours', tech='coal'):.0f} | "
            f"{g('curtailment_share') * 100:.1f} | {g('electricity_export'):.1f} | "
            f"{g('co2_consumption_total'):.1f} | {peak:.0f} |")


def main() -> None:
    print("| lever (2030) | CO2 Mt | coal h | curtailment % | export TWh | "
          "consumption-side CO2 Mt | peak |")
    print("|---|---|---|---|---|---|---|")
    print(row(es.run("baseline"), "baseline"))
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, lever) in enumerate(LEVERS):
            path = Path(tmp) / f"lever{i}.yaml"
            path.write_text(f"name: lever{i}\nextends: baseline\nparameters:\n"
                            + textwrap.indent(lever + "\n", "  "), encoding="utf-8")
            print(row(es.run(str(path)), label))


if __name__ == "__main__":
    main()
