"""The persistent memo of unit readings gives exactly what pint gives, successes and errors.

``energysim.units.parse_quantity`` remembers each (unit text, expected unit) it has read and the
message of each value it could not read, in a file in the user cache directory, so that later
processes read scenarios without importing pint. A reading from the memo must equal the reading
through pint bit for bit, and a failure must raise the same message with the new caller's file,
line and key.
"""

from __future__ import annotations

import pytest

from energysim import units
from energysim.errors import UnitError

CASES = [
    ("470.5万千瓦", "GW"),
    ("3.2亿吨", "Mt/yr"),
    ("1300亿元", "bnCNY"),
    ("7%", ""),
    (0.07, ""),
    ("5000 h", "h/yr"),
    ("320 gce/kWh", "gce/kWh"),
    ("40亿千瓦时", "TWh/yr"),
    ("1,300亿元", "bnCNY"),
    ("300 /yr", "1/yr"),
]
BAD = [("5.3%", "GW"), ("3 parsecs", "GW"), ("12", "GW"), (True, "")]


@pytest.fixture
def fresh_memo(monkeypatch, tmp_path):
    """An empty memo whose file lives in a temporary cache directory."""
    monkeypatch.setenv("ENERGYSIM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(units, "_MEMO", {})
    monkeypatch.setattr(units, "_MEMO_ERR", {})
    monkeypatch.setattr(units, "_MEMO_STATE", {"loaded": False, "dirty": False})
    return tmp_path


def _outcome(value, unit, key="k"):
    try:
        return units.parse_quantity(value, expected_unit=unit, key=key, file="f.yaml", line=3)
    except UnitError as exc:
        return exc


def test_memo_file_round_trip_gives_pints_answers(fresh_memo, monkeypatch):
    through_pint = {(v, u): _outcome(v, u) for v, u in CASES + BAD}
    units._memo_save()
    files = list(fresh_memo.glob("units-*.json"))
    assert len(files) == 1
    # a new process: empty in-process memo, the file on disk; pint must not be needed
    monkeypatch.setattr(units, "_MEMO", {})
    monkeypatch.setattr(units, "_MEMO_ERR", {})
    monkeypatch.setattr(units, "_MEMO_STATE", {"loaded": False, "dirty": False})
    monkeypatch.setattr(units, "registry", lambda: pytest.fail("pint used despite the memo"))
    for (value, unit), want in through_pint.items():
        got = _outcome(value, unit, key="other.key")
        if isinstance(want, UnitError):
            assert isinstance(got, UnitError)
            assert got.message == want.message
            assert (got.key, got.file, got.line) == ("other.key", "f.yaml", 3)
        else:
            assert got == want and type(got) is float


def test_memo_file_can_be_turned_off(fresh_memo, monkeypatch):
    monkeypatch.setenv("ENERGYSIM_UNIT_CACHE", "0")
    assert units.parse_quantity("470.5万千瓦", expected_unit="GW") == pytest.approx(4.705)
    units._memo_save()
    assert not list(fresh_memo.glob("units-*.json"))


def test_unreadable_memo_file_is_ignored(fresh_memo):
    path = units._memo_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert units.parse_quantity("3.2亿吨", expected_unit="Mt/yr") == pytest.approx(320.0)
