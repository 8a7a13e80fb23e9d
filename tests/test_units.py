"""Units: the report's Chinese magnitudes, conversions, and the reading rules."""

from __future__ import annotations

import subprocess
import sys

import pytest

from energysim.errors import UnitError
from energysim.units import (
    convert,
    describe_dimension,
    dimension_of,
    format_quantity,
    is_pure_number,
    parse_quantity,
    split_quantity,
)


def q(text, unit):
    return parse_quantity(text, expected_unit=unit, key="k", file="f.yaml", line=1)


# every Chinese unit of issue 2 item 3, with an independent hand-computed value
CHINESE = [
    ("470.5万千瓦", "GW", 4.705),
    ("1万千瓦", "MW", 10.0),
    ("1亿千瓦时", "TWh", 0.1),
    ("1万千瓦时", "MWh", 10.0),
    ("3.2亿吨", "Mt", 320.0),
    ("1万吨", "kt", 10.0),
    ("1吨标准煤", "GJ", 29.3076),
    ("1万吨标准煤", "Mtce", 0.01),
    ("1300亿元", "bnCNY", 130.0),
    ("1万元", "CNY", 1e4),
    ("1亿立方米", "m**3", 1e8),
    ("1万立方米", "m3", 1e4),
    ("1亿斤", "t", 5e4),
    ("1亩", "m**2", 10000 / 15),
    ("15万亩", "hectare", 1e4),
    ("2公顷", "m**2", 2e4),
    ("1度", "kWh", 1.0),
    ("1千瓦时", "kWh", 1.0),
    ("1千瓦", "kW", 1.0),
    ("2斤", "kg", 1.0),
    ("1吨", "kg", 1000.0),
    ("1万亿元", "bnCNY", 1000.0),
    ("285座", "", 285.0),
    ("1000台", "", 1000.0),
    ("3万辆", "vehicle", 3e4),
    ("5个", "", 5.0),
    ("7%", "", 0.07),
]


@pytest.mark.parametrize(("text", "unit", "value"), CHINESE)
def test_chinese_units(text, unit, value):
    assert q(text, unit) == pytest.approx(value, rel=1e-12)


def test_issue_example_exact():
    assert abs(q("470.5万千瓦", "GW") - 4.705) <= 1e-12
    assert abs(q("470.5万千瓦", "GW") - q("4.705 GW", "GW")) <= 1e-12


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("1 kgce", "kJ", 29307.6),
        ("300 gce/kWh", "tce/MWh", 0.3),
        ("1 tce", "GJ", 29.3076),
        ("1 kt", "t", 1000.0),  # kilotonne, not pint's knot
        ("2 Nm3", "m**3", 2.0),
        ("1 L", "m**3", 1e-3),
        ("1 TWh", "GWh", 1000.0),
        ("1 bnCNY", "CNY", 1e9),
        ("10 yuan", "CNY", 10.0),
        ("1 Mt/yr", "kt/yr", 1000.0),
        ("300 /yr", "1/yr", 300.0),
        ("1,300亿元", "bnCNY", 130.0),
        ("1e4 kW", "MW", 10.0),
    ],
)
def test_common_energy_units(text, unit, value):
    assert q(text, unit) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("万千瓦", "GW"),
        ("亿千瓦时", "TWh"),
        ("亿吨", "Mt"),
        ("万吨标准煤", "tce"),
        ("亿元", "bnCNY"),
        ("亿立方米", "m3"),
        ("亿斤", "t"),
        ("万亩", "hectare"),
        ("gce/kWh", "tce/MWh"),
    ],
)
def test_round_trip(a, b):
    for x in (0.0, 1.0, 470.5, 3.2e-3, 1.234567e7):
        assert convert(convert(x, a, b), b, a) == pytest.approx(x, rel=1e-12, abs=1e-300)


def test_annual_flow_without_per_year():
    # the report writes yearly amounts without "/yr"
    assert q("3.2亿吨", "Mt/yr") == pytest.approx(320.0)
    assert q("264万千瓦", "GW/yr") == pytest.approx(2.64)
    assert q("1500 h", "h/yr") == pytest.approx(1500.0)
    assert q("7%", "1/yr") == pytest.approx(0.07)
    assert q("3.2亿吨/年", "Mt/yr") == pytest.approx(320.0)


def test_capacity_is_not_an_annual_energy():
    # GW expected, GWh given: not a per-year reading (the expected unit has no "/yr")
    with pytest.raises(UnitError, match=r"expected power \[GW\], got energy \[GWh\]"):
        q("100 GWh", "GW")


def test_wrong_dimension_message():
    with pytest.raises(UnitError) as err:
        q("3 Mt", "GW")
    assert str(err.value) == (
        "f.yaml:1: k: wrong dimension for '3 Mt' (expected power [GW], got mass [Mt])"
    )


def test_bare_numbers_only_for_pure_numbers():
    assert q(0.07, "") == 0.07
    assert q("0.07", "") == 0.07
    assert q(12, "vehicle") == 12.0
    with pytest.raises(
        UnitError, match=r"number without a unit \(expected a quantity in GW, got 5\)"
    ):
        q(5, "GW")
    with pytest.raises(UnitError, match=r"expected a quantity in gce/kWh"):
        q(300, "gce/kWh")  # a ratio needs its unit


def test_pure_number_units_do_not_mix_with_ratios():
    with pytest.raises(UnitError, match=r"wrong kind of unit \(expected a ratio in gce/kWh"):
        q("7%", "gce/kWh")
    with pytest.raises(UnitError, match=r"wrong kind of unit \(expected a pure number"):
        q("300 gce/kWh", "")


@pytest.mark.parametrize("bad", ["abc", "GW", "", True, None, [1], "nan GW", "inf GW"])
def test_not_a_quantity(bad):
    with pytest.raises(UnitError, match=r"^f\.yaml:1: k: .*\(expected .*, got .*\)$"):
        q(bad, "GW")


def test_unknown_unit():
    with pytest.raises(UnitError, match=r"unknown unit 'foo'"):
        q("5 foo", "GW")


def test_split_quantity():
    assert split_quantity("470.5万千瓦") == (470.5, "万千瓦")
    assert split_quantity("-1.5e3 kWh/kg") == (-1500.0, "kWh/kg")
    assert split_quantity("1,300亿元") == (1300.0, "亿元")
    assert split_quantity("万千瓦") is None
    assert split_quantity(".") is None


def test_dimensions():
    assert dimension_of("Mt/yr") == "[mass] / [time]"
    assert dimension_of("") == "dimensionless"
    assert describe_dimension("万千瓦") == "power"
    assert describe_dimension("亿千瓦时") == "energy"
    assert describe_dimension("亿元") == "currency"
    assert is_pure_number("%") and is_pure_number("") and is_pure_number("万辆")
    assert not is_pure_number("gce/kWh")


def test_format_quantity():
    assert format_quantity(4.705, "GW") == "4.705 GW"
    assert format_quantity(0.07, "") == "0.07"
    x = 0.1 + 0.2
    assert q(format_quantity(x, "Mt/yr", digits=0), "Mt/yr") == x  # exact round trip


def test_import_energysim_is_light():
    code = (
        "import sys, energysim\n"
        "heavy = [m for m in ('pint', 'scipy', 'pandas', 'xarray', 'matplotlib', 'yaml')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
