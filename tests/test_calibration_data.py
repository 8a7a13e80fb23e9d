"""The calibration data: sourced, tidy, and never later than the base year.

Checks ``calibration/data/*.csv`` (historical data, one file per source) and
``calibration/report-2022.csv`` (the 2023 government work report's figures) against the
rules in docs/data.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from energysim.units import registry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "calibration" / "data"
REPORT_CSV = ROOT / "calibration" / "report-2022.csv"
REPORT_TEXT = ROOT / "calibration" / "sources" / "zhungeer-2023-government-work-report.txt"

#: Last year whose data may be used for calibration (later years are kept for validation).
LAST_CALIBRATION_YEAR = 2022
REQUIRED = ["indicator", "year", "value", "unit", "region", "period", "source", "source_text"]
REGIONS = {"zhungeer", "ordos", "inner_mongolia"}
DATA_FILES = sorted(DATA.glob("*.csv"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_there_are_data_files():
    assert len(DATA_FILES) >= 5


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_data_file_columns(path):
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    missing = [c for c in REQUIRED if c not in header]
    assert not missing, f"{path.name}: missing columns {missing}"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_row_has_a_source_and_its_text(path):
    rows = _rows(path)
    assert rows, f"{path.name} is empty"
    for i, r in enumerate(rows, start=2):
        assert r["source"].strip(), f"{path.name}:{i}: no source"
        assert r["source_text"].strip(), f"{path.name}:{i}: no source_text"
        assert r["indicator"].strip(), f"{path.name}:{i}: no indicator"
        float(r["value"])  # a number


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_no_year_after_the_base_year(path):
    late = [
        (r["indicator"], r["year"]) for r in _rows(path) if int(r["year"]) > LAST_CALIBRATION_YEAR
    ]
    assert not late, (
        f"{path.name}: years after {LAST_CALIBRATION_YEAR} are kept for validation: {late}"
    )


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_units_parse_and_regions_known(path):
    reg = registry()
    for i, r in enumerate(_rows(path), start=2):
        assert r["region"] in REGIONS, f"{path.name}:{i}: region {r['region']!r}"
        if r["unit"] != "%":
            reg.Unit(r["unit"])  # raises on an unknown unit
        if r["region"] != "zhungeer":
            assert "." in r["indicator"], (
                f"{path.name}:{i}: context indicators carry a region prefix"
            )


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_no_duplicate_observations(path):
    keys = [(r["indicator"], r["year"], r["period"], r["region"]) for r in _rows(path)]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes, f"{path.name}: duplicate rows {sorted(dupes)}"


def test_partial_year_rows_are_marked():
    """Sales for part of a year must not pass for annual values."""
    for path in DATA_FILES:
        for r in _rows(path):
            if r["period"].startswith("Jan-"):
                assert "PARTIAL" in r["note"], f"{path.name}: {r['indicator']} {r['year']}"


# --- the report's figures -------------------------------------------------------------------

REPORT_COLUMNS = [
    "indicator",
    "year",
    "value",
    "unit",
    "kind",
    "comparator",
    "strength",
    "model_variable",
    "source_sentence",
    "note",
    "basis",
]
KINDS = {"stock", "flow", "growth", "under_construction", "target", "factory_output"}


def test_report_csv_columns_and_vocabulary():
    rows = _rows(REPORT_CSV)
    assert list(rows[0].keys()) == REPORT_COLUMNS
    for r in rows:
        assert r["kind"] in KINDS, r
        assert r["strength"] in {"firm", "aspirational", "plain"}, r
        assert r["comparator"] in {"", ">=", "<=", "≈"}, r
        assert r["basis"] in {"reported", "derived"}, r
        assert int(r["year"]) in (2021, 2022, 2023), r
        float(r["value"])
        if r["kind"] == "target":
            assert r["comparator"], f"target without comparator: {r['indicator']}"


def test_report_sentences_are_quoted_exactly():
    text = REPORT_TEXT.read_text(encoding="utf-8")
    for r in _rows(REPORT_CSV):
        assert r["source_sentence"] in text, f"{r['indicator']} {r['year']}: sentence not in report"


#: Reported rows whose value the report writes in words, not digits (value, why).
WORDED = {
    ("manufacturing_investment_growth", 2022): "实现2.5倍增长 → +150%",
    ("co2_to_aromatics_project_started", 2022): "万吨级 → 1万吨/年",
    ("co2_to_aromatics_in_operation", 2023): "万吨级 → 1万吨/年",
    ("fixed_asset_investment_growth", 2023): "翻一番 → +100%",
    ("coal_chemical_base_capacity", 2023): "千万吨级 → 1000万吨/年",
}


def test_report_values_appear_in_their_sentences():
    """A reported number is written in its own sentence (derived ones are arithmetic on it)."""
    for r in _rows(REPORT_CSV):
        key = (r["indicator"], int(r["year"]))
        if r["basis"] != "reported" or r["unit"].startswith("flag") or key in WORDED:
            continue
        shown = f"{float(r['value']):g}"
        if r["unit"].startswith(("个", "座")) and float(r["value"]) <= 4:
            continue  # counts of projects the sentence names one by one ("…、…等项目")
        assert shown in r["source_sentence"], f"{key}: {shown} not in its sentence"


def test_factory_output_is_not_a_fleet():
    """下线 (rolled off the line) is a manufacturer's output, never a local stock."""
    rows = _rows(REPORT_CSV)
    trucks = [r for r in rows if r["indicator"] == "autonomous_mining_trucks_produced"]
    assert len(trucks) == 1 and "下线" in trucks[0]["source_sentence"]
    assert trucks[0]["kind"] == "factory_output"
    under_way = [r for r in rows if r["indicator"] == "wind_solar_under_way"]
    assert under_way and under_way[0]["kind"] == "under_construction"


def test_derived_2021_values_follow_from_growth():
    rows = {(r["indicator"], int(r["year"])): r for r in _rows(REPORT_CSV)}
    gdp22 = float(rows[("gdp", 2022)]["value"])
    g = float(rows[("gdp_growth", 2022)]["value"]) / 100
    assert float(rows[("gdp", 2021)]["value"]) == pytest.approx(gdp22 / (1 + g), rel=1e-4)
    add = float(rows[("power_capacity_added", 2022)]["value"])
    gg = float(rows[("generation_growth", 2022)]["value"]) / 100
    assert float(rows[("power_capacity_total_end_2021", 2021)]["value"]) == pytest.approx(
        add / gg, rel=1e-3
    )
