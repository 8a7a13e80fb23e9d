"""Regenerate the pinned key indicators of the bundled baseline (a deliberate act).

Run from the repository root after a change to the model or the baseline that is meant to move
the results::

    python tests/regression/regenerate.py

and commit the new ``baseline_indicators.csv`` with a sentence on why the numbers moved.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
FILE = HERE / "baseline_indicators.csv"
YEARS = (2022, 2023, 2025, 2030, 2035, 2040, 2050, 2060)


def indicators():
    """The baseline's key indicators (deterministic run) in the report's units."""
    from energysim.execution import pipeline
    from energysim.results import dataset as results

    ds = pipeline.run("baseline")
    return results.indicators(ds, YEARS, stat="mean")


def main() -> None:
    table = indicators()
    table.to_csv(FILE, float_format="%.6g")
    print(f"wrote {FILE}")


if __name__ == "__main__":
    main()
