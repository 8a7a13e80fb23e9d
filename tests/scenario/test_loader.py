"""Loading one scenario file: value forms, units, bounds, lines, safety."""

from __future__ import annotations

# ruff: noqa: E501 - scenario YAML examples keep their one-line flow mappings
import pickle
import tracemalloc

import numpy as np
import pytest

from energysim.errors import BoundsError, ScenarioError, UnitError
from energysim.scenario import Const, Growth, Series, compile_scenario, loads_scenario, yamlio

FULL = """\
name: baseline
title: {zh: 准格尔旗基准情景, en: Zhunge'er Banner baseline}
description: A test scenario.
base_year: 2022
end_year: 2060
parameters:
  coal:
    output_cap: 3.3亿吨
    outbound_demand: {2022: 300 Mt/yr, 2030: 280 Mt/yr}
  power:
    coal:
      add: {values: {2023: 264万千瓦, 2024: 0 GW}, interpolation: step}
    solar:
      hours: {values: {2022: 1500 h/yr, 2030: 1550 h/yr}, multiplier: {dist: normal, mean: 1, sd: 0.05}}
    wind.hours: {dist: pert, low: 2200 h, mode: 2500 h, high: 2800 h}
  economy:
    gdp_growth: {2023: 7%, 2030: 5%}
    gdp: {start: 1300亿元, growth: {2023: 7%, 2026: 5%}}
  hydrogen:
    kwh_per_kg: {dist: triangular, low: 50 kWh/kg, mode: 55 kWh/kg, high: 60 kWh/kg}
correlations:
  - {params: [power.solar.hours, power.wind.hours], rho: 0.5}
targets:
  - {indicator: coal_output, year: 2023, comparator: "≈", value: 3.2亿吨, tolerance: 5%, strength: firm, source: "煤炭产销量稳定在3.2亿吨左右"}
  - {indicator: renewable_capacity, year: 2023, comparator: ">=", value: 470万千瓦, strength: aspirational}
"""


def test_full_example(load):
    s = load(FULL)
    assert s.name == "baseline"
    assert s.title == {"zh": "准格尔旗基准情景", "en": "Zhunge'er Banner baseline"}
    assert (s.base_year, s.end_year) == (2022, 2060)
    p = s.parameters
    assert p["coal.output_cap"].base == Const(pytest.approx(330.0))
    assert p["coal.outbound_demand"].base.values == (300.0, 280.0)
    add = p["power.coal.add"].base
    assert add.interpolation == "step" and add.years == (2023, 2024)
    assert add.values == (pytest.approx(2.64), 0.0)
    assert p["power.solar.hours"].multiplier.kind == "normal"
    assert p["power.wind.hours"].dist.args == {"low": 2200.0, "mode": 2500.0, "high": 2800.0}
    assert isinstance(p["economy.gdp"].base, Growth)
    assert s.uncertain == ("power.solar.hours", "power.wind.hours", "hydrogen.kwh_per_kg")
    t0, t1 = s.targets
    assert (t0.comparator, t0.value_in("Mt/yr"), t0.tolerance_in("Mt/yr")) == (
        "≈",
        pytest.approx(320.0),
        pytest.approx(16.0),
    )
    assert t1.comparator == ">=" and t1.value_in("GW") == pytest.approx(4.7)
    assert t1.strength == "aspirational"


def test_sources_are_file_and_line(load):
    s = load(FULL)
    assert str(s.parameters["coal.output_cap"].source) == "s.yaml:8"
    assert s.parameters["power.wind.hours"].source.line == 15
    assert s.parameters["coal.outbound_demand"].base.lines == (9, 9)
    assert s.targets[0].where.line == 24


def test_defaults(load):
    s = load("name: empty\nextends: []  # explicitly the catalogue defaults\n")
    assert (s.base_year, s.end_year) == (2022, 2060)
    assert s.parameters == {}
    assert s.leaf("coal.outbound_demand").base == Series((2022, 2030), (300.0, 280.0))


def test_name_defaults_to_file_stem(write, load):
    s = load(write("my_case.yaml", "parameters: {coal.output_cap: 3亿吨}\n"))
    assert s.name == "my_case"


def test_immutable(load):
    s = load(FULL)
    with pytest.raises(TypeError):
        s.parameters["coal.output_cap"] = None
    with pytest.raises(AttributeError):
        s.name = "other"
    with pytest.raises(TypeError):
        s.title["zh"] = "x"


def test_pickle_round_trip(load):
    s = load(FULL)
    again = pickle.loads(pickle.dumps(s))
    assert again == s


def test_to_yaml_reloads_to_the_same_arrays(load, cat):
    s = load(FULL)
    again = loads_scenario(s.to_yaml(), file="again.yaml", catalogue=cat)
    assert again.parameters.keys() == s.parameters.keys()
    a = compile_scenario(s, samples=64, seed=3, method="lhs").params()
    b = compile_scenario(again, samples=64, seed=3, method="lhs").params()
    for path in a:
        np.testing.assert_array_equal(a[path], b[path])


def test_dotted_keys_and_nesting_mix(load):
    s = load("""
        parameters:
          power.solar:
            hours: 1400 h/yr
          power:
            wind.hours: 2400 h/yr
    """)
    assert s.parameters["power.solar.hours"].base.value == 1400.0
    assert s.parameters["power.wind.hours"].base.value == 2400.0


def test_set_twice_in_one_file(load):
    with pytest.raises(
        ScenarioError, match=r"s\.yaml:4: parameters\.power\.solar\.hours: set twice"
    ):
        load("""
            parameters:
              power.solar.hours: 1400 h/yr
              power:
                solar: {hours: 1500 h/yr}
        """)


def test_value_forms(load):
    s = load("""
        parameters:
          power.solar.cap: {value: 1 GW, multiplier: {dist: uniform, low: 0.9, high: 1.1}}
          economy.gdp: {start: 1300亿元, growth: 5%}
          power.curtailment: 5%
          transport.stations: 285座
    """)
    p = s.parameters
    assert p["power.solar.cap"].base == Const(1.0)
    assert p["power.solar.cap"].multiplier.args == {"low": 0.9, "high": 1.1}
    assert p["economy.gdp"].base == Growth(130.0, (), (pytest.approx(0.05),), (3,))
    assert p["power.curtailment"].base.value == pytest.approx(0.05)
    assert p["transport.stations"].base.value == 285.0


@pytest.mark.parametrize(
    ("dist", "args"),
    [
        ("{dist: normal, mean: 55 kWh/kg, sd: 2 kWh/kg}", {"mean": 55.0, "sd": 2.0}),
        ("{dist: lognormal, median: 55 kWh/kg, gsd: 1.1}", {"median": 55.0, "gsd": 1.1}),
        ("{dist: lognormal, mean: 55 kWh/kg, sd: 3 kWh/kg}", {"mean": 55.0, "sd": 3.0}),
        ("{dist: uniform, low: 50 kWh/kg, high: 60 kWh/kg}", {"low": 50.0, "high": 60.0}),
        (
            "{dist: pert, low: 50 kWh/kg, mode: 52 kWh/kg, high: 60 kWh/kg}",
            {"low": 50.0, "mode": 52.0, "high": 60.0},
        ),
        (
            "{dist: choice, values: [50 kWh/kg, 55 kWh/kg], weights: [1, 3]}",
            {"values": (50.0, 55.0), "weights": (1.0, 3.0)},
        ),
        ("{dist: choice, values: [50 kWh/kg, 55 kWh/kg]}", {"values": (50.0, 55.0)}),
    ],
)
def test_distributions(load, dist, args):
    s = load(f"parameters:\n  hydrogen.kwh_per_kg: {dist}\n")
    d = s.parameters["hydrogen.kwh_per_kg"].dist
    assert dict(d.args) == args
    assert d.bounds == (30.0, 100.0)


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("{dist: normal, mean: 55 kWh/kg}", r"normal needs \(mean, sd\) .*missing sd"),
        ("{dist: normal, mean: 55 kWh/kg, sd: 0 kWh/kg}", r"sd must be positive"),
        ("{dist: normal, mean: 55 kWh/kg, sdev: 1 kWh/kg}", r"unexpected key .*did you mean 'sd'"),
        (
            "{dist: norml, mean: 55 kWh/kg, sd: 1 kWh/kg}",
            r"unknown distribution.*did you mean 'normal'",
        ),
        (
            "{dist: triangular, low: 50 kWh/kg, mode: 65 kWh/kg, high: 60 kWh/kg}",
            r"mode outside \[low, high\]",
        ),
        (
            "{dist: uniform, low: 60 kWh/kg, high: 50 kWh/kg}",
            r"low ≥ high \(expected low < high, "
            r"got low 60 kWh/kg ≥ high 50 kWh/kg\)",
        ),
        ("{dist: uniform, low: 20 kWh/kg, high: 50 kWh/kg}", r"\.low: out of bounds"),
        ("{dist: lognormal, median: 55 kWh/kg, gsd: 0.9}", r"gsd must exceed 1"),
        ("{dist: choice, values: [50 kWh/kg], weights: [1, 2]}", r"weights and values differ"),
        ("{dist: choice, values: [50 kWh/kg], weights: [-1]}", r"negative weight"),
        ("{dist: choice, values: [500 kWh/kg]}", r"values\[0\]: out of bounds"),
        ("{dist: uniform, low: 50 GW, high: 60 GW}", r"wrong dimension"),
    ],
)
def test_distribution_errors(load, value, pattern):
    with pytest.raises(ScenarioError, match=pattern) as err:
        load(f"parameters:\n  hydrogen.kwh_per_kg: {value}\n")
    assert err.value.one_line().startswith("s.yaml:2: parameters.hydrogen.kwh_per_kg")


def test_unknown_parameter_did_you_mean(load):
    with pytest.raises(ScenarioError) as err:
        load("parameters:\n  power:\n    solar:\n      hour: 1500 h/yr\n")
    assert err.value.one_line() == (
        "s.yaml:4: parameters.power.solar.hour: unknown parameter (expected a catalogue path, "
        "see `energysim params`, got 'power.solar.hour'); did you mean 'power.solar.hours'?"
    )


def test_unknown_top_key_did_you_mean(load):
    with pytest.raises(
        ScenarioError,
        match=r"s\.yaml:1: parametres: unknown key .*did you mean "
        r"'parameters'\?",
    ):
        load("parametres: {}\n")


def test_unknown_form_key(load):
    with pytest.raises(ScenarioError, match=r"did you mean 'interpolation'\?"):
        load("parameters:\n  coal.output_cap: {values: {2022: 3亿吨}, interpoltion: step}\n")
    with pytest.raises(ScenarioError, match=r"unknown value form .*did you mean 'values'\?"):
        load("parameters:\n  coal.output_cap: {vales: {2022: 3亿吨}}\n")


def test_group_must_be_mapping(load):
    with pytest.raises(
        ScenarioError,
        match=r"parameters\.power\.solar: group is not a mapping "
        r"\(expected a mapping of cap, hours",
    ):
        load("parameters:\n  power:\n    solar: 3\n")


@pytest.mark.parametrize(
    ("text", "error", "pattern"),
    [
        (
            "power.solar.cap: -1 GW",
            BoundsError,
            r"out of bounds \(expected value ≥ 0 万千瓦, got -100 万千瓦",
        ),
        (
            "power.curtailment: 120%",
            BoundsError,
            r"expected 0% ≤ value ≤ 100%, got 120% from '120%'",
        ),
        ("power.solar.cap: 3 Mt", UnitError, r"expected power \[GW\], got mass \[Mt\]"),
        ("power.solar.cap: 3", UnitError, r"number without a unit"),
        ("power.solar.cap: [1 GW]", ScenarioError, r"a list is not a value"),
        ("coal.outbound_demand: {2022: 300 Mt/yr, 2030x: 1 Mt}", ScenarioError, r"not a year"),
        ("economy.gdp: {start: 1300亿元, growth: 0.07}", UnitError, r"write rates as percentages"),
        ("economy.gdp: {start: 1300亿元, growth: -100%}", BoundsError, r"at or below -100%"),
        ("economy.gdp: {start: 1300亿元}", ScenarioError, r"growth form without a rate"),
        ("economy.gdp: {start: 1300亿元, growth: 50%}", BoundsError, r"growth path out of bounds"),
        (
            "coal.output_cap: {values: {2022: 3亿吨}, multiplier: 1.1}",
            ScenarioError,
            r"multiplier must be a distribution",
        ),
        (
            "coal.output_cap: {values: {2022: 3亿吨}, interpolation: cubic}",
            ScenarioError,
            r"unknown interpolation",
        ),
    ],
)
def test_value_errors(load, text, error, pattern):
    with pytest.raises(error, match=pattern) as err:
        load(f"parameters:\n  {text}\n")
    assert err.value.one_line().startswith("s.yaml:2: parameters.")
    assert "(expected " in err.value.one_line()


def test_years_outside_horizon(load):
    load("end_year: 2050\nparameters:\n  coal.output_cap: {1972: 1亿吨, 2050: 3亿吨}\n")
    with pytest.raises(
        ScenarioError,
        match=r"s\.yaml:4: parameters\.coal\.output_cap\.2051: year "
        r"outside the horizon \(expected 1972 ≤ year ≤ 2050, got 2051\)",
    ):
        load("end_year: 2050\nparameters:\n  coal.output_cap:\n    2051: 3亿吨\n")
    with pytest.raises(ScenarioError, match=r"1971"):
        load("parameters:\n  coal.output_cap: {1971: 1亿吨}\n")
    with pytest.raises(ScenarioError, match=r"growth year outside the horizon"):
        load("parameters:\n  economy.gdp: {start: 1300亿元, growth: {2021: 5%}}\n")
    with pytest.raises(ScenarioError, match=r"target year outside the horizon"):
        load("targets:\n  - {indicator: x, year: 2070, comparator: '>=', value: 1 GW}\n")


def test_metadata_errors(load):
    with pytest.raises(ScenarioError, match=r"end_year: end_year not after base_year"):
        load("base_year: 2022\nend_year: 2022\n")
    with pytest.raises(ScenarioError, match=r"s\.yaml:1: base_year: not a valid year"):
        load("base_year: twenty\n")
    with pytest.raises(ScenarioError, match=r"title\.fr: unknown language"):
        load("title: {fr: bonjour}\n")
    with pytest.raises(ScenarioError, match=r"a scenario is a mapping"):
        load("- a\n- b\n")


def test_target_errors(load):
    base = "targets:\n  - {indicator: coal_output, year: 2023, "
    with pytest.raises(ScenarioError, match=r"unknown comparator"):
        load(base + "comparator: '>', value: 3亿吨}\n")
    with pytest.raises(ScenarioError, match=r"tolerance only applies to ≈"):
        load(base + "comparator: '>=', value: 3亿吨, tolerance: 5%}\n")
    with pytest.raises(ScenarioError, match=r"unknown strength.*did you mean 'firm'"):
        load(base + "comparator: '~', value: 3亿吨, strength: frim}\n")
    with pytest.raises(ScenarioError, match=r"incomplete target .*got no value"):
        load(base + "comparator: '≥'}\n")
    with pytest.raises(UnitError, match=r"unknown unit"):
        load(base + "comparator: '≤', value: 3 frobnicators}\n")
    s = load(base + "comparator: '~', value: 3亿吨}\n")
    assert s.targets[0].comparator == "≈"
    assert s.targets[0].tolerance_in("Mt/yr") == pytest.approx(15.0)  # default 5%


def test_correlation_errors(load):
    head = "parameters:\n  power.solar.hours: {dist: normal, mean: 1500 h, sd: 50 h}\n"
    with pytest.raises(ScenarioError, match=r"correlated parameter is not uncertain"):
        load(
            head + "correlations:\n  - {params: [power.solar.hours, power.wind.hours], rho: 0.5}\n"
        )
    with pytest.raises(BoundsError, match=r"rho out of range"):
        load(head + "correlations:\n  - {params: [power.solar.hours, power.wind.hours], rho: 1}\n")
    with pytest.raises(ScenarioError, match=r"unknown parameter.*did you mean 'power.wind.hours'"):
        load(head + "correlations:\n  - {params: [power.solar.hours, power.wind.hour], rho: 0.1}\n")
    three = (
        "parameters:\n"
        "  power.solar.hours: {dist: normal, mean: 1500 h, sd: 50 h}\n"
        "  power.wind.hours: {dist: normal, mean: 2500 h, sd: 50 h}\n"
        "  power.solar.cap: {dist: normal, mean: 1 GW, sd: 0.1 GW}\n"
        "correlations:\n"
        "  - {params: [power.solar.hours, power.wind.hours], rho: 0.9}\n"
        "  - {params: [power.solar.hours, power.solar.cap], rho: 0.9}\n"
        "  - {params: [power.wind.hours, power.solar.cap], rho: -0.9}\n"
    )
    with pytest.raises(
        ScenarioError,
        match=r"s\.yaml:8: correlations: correlations are "
        r"inconsistent \(expected a positive definite",
    ):
        load(three)


def test_null_restores_default(load):
    s = load("parameters:\n  coal.output_cap: null\n")
    assert "coal.output_cap" not in s.parameters


# -- YAML safety ---------------------------------------------------------------------------
def test_python_tags_refused(load):
    with pytest.raises(
        ScenarioError,
        match=r"s\.yaml:2: parameters\.coal\.output_cap: YAML tag "
        r"'tag:yaml\.org,2002:python/object/apply:os\.system' is not allowed",
    ):
        load("parameters:\n  coal.output_cap: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ScenarioError, match=r"is not allowed"):
        load("name: !custom x\n")


def test_alias_bomb_is_stopped_by_the_node_limit():
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(levels) + "\n"
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as err:
            yamlio.parse_yaml(text, file="bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.one_line() == (
        f"bomb.yaml:5: e: too many YAML nodes after alias expansion (expected at most "
        f"{yamlio.MAX_NODES}, got more; an alias bomb?)"
    )
    assert peak < 5_000_000  # bounded memory: nothing was expanded


def test_node_limit_is_the_limit(monkeypatch):
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a]\n"  # 1 + 2 + 10 + 2 + 31 = 46
    assert yamlio.parse_yaml(text).plain()["b"][2][8] == 9
    monkeypatch.setattr(yamlio, "MAX_NODES", 40)
    with pytest.raises(ScenarioError, match=r"expected at most 40"):
        yamlio.parse_yaml(text)


def test_composed_node_limit(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 50)
    with pytest.raises(ScenarioError, match=r"document too large \(expected at most 50 YAML nodes"):
        yamlio.parse_yaml("[" + ", ".join(["1"] * 100) + "]")


def test_recursive_alias_refused():
    with pytest.raises(ScenarioError, match=r"recursive alias"):
        yamlio.parse_yaml("a: &a [1, *a]\n")


def test_deep_nesting_refused():
    with pytest.raises(ScenarioError, match=r"nested too deeply"):
        yamlio.parse_yaml("[" * 1500 + "]" * 1500)


def test_duplicate_keys_refused():
    with pytest.raises(
        ScenarioError, match=r"x\.yaml:3: a\.b: duplicate key 'b' .*first on line 2"
    ):
        yamlio.parse_yaml("a:\n  b: 1\n  b: 2\n", file="x.yaml")


def test_merge_keys():
    root = yamlio.parse_yaml("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n").plain()
    assert root["c"] == {"x": 1, "y": 3}


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(b"name: gbk\ntitle:\n  zh: " + "准格尔旗".encode("gbk") + b"\n")
    with pytest.raises(ScenarioError) as err:
        yamlio.read_yaml(path, display="gbk.yaml")
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    assert err.value.one_line() == (
        f"gbk.yaml:3: title.zh: file is not valid UTF-8 (expected UTF-8 text, got byte "
        f"0x{data[offset]:02x} at offset {offset})"
    )


def test_utf8_bom_accepted(tmp_path, cat):
    from energysim.scenario import load_scenario

    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: 带BOM\nparameters: {coal.output_cap: 3亿吨}\n".encode())
    assert load_scenario(path, catalogue=cat).name == "带BOM"


def test_yaml_syntax_error_names_where_the_bracket_opened(load):
    with pytest.raises(ScenarioError) as err:
        load("parameters:\n  economy:\n    gdp_base: [1300亿元\n  power: {}\n")
    line = err.value.one_line()
    assert line.startswith("s.yaml:3: parameters.economy.gdp_base: YAML syntax error: ")
    assert line.endswith("(expected valid YAML, got 'power: {}')")


def test_enclosing_key():
    text = "a:\n  b:\n    c: 1\n  d: 2\ne: [\n"
    assert yamlio.enclosing_key(text, 3) == "a.b.c"
    assert yamlio.enclosing_key(text, 4) == "a.d"
    assert yamlio.enclosing_key(text, 5) == "e"


def test_errors_are_one_line(load):
    with pytest.raises(ScenarioError) as err:
        load('parameters:\n  coal.output_cap: "3\\n\\n  GW"\n')
    assert "wrong dimension" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_multiplier_alone_on_a_catalogue_default_series():
    """Only a multiplier written for a parameter whose dated path comes from the catalogue
    (no ``values`` of its own, so no lines of its own): loads, and samples the default path ×
    the multiplier (was a traceback in the horizon check)."""
    text = (
        "name: capex\n"
        "parameters:\n"
        "  costs:\n"
        "    capex:\n"
        "      wind: {multiplier: {dist: uniform, low: 0.5, high: 0.5000001}}\n"
    )
    s = loads_scenario(text, file="capex.yaml")
    assert "costs.capex.wind" in s.uncertain
    c = compile_scenario(s, samples=4, seed=1)
    central = compile_scenario(loads_scenario("name: c\nextends: []\n"), samples=1)
    got = c.params(0, 4)["costs.capex.wind"]
    want = central.params(0, 1)["costs.capex.wind"] * 0.5
    np.testing.assert_allclose(got, np.broadcast_to(want, got.shape), rtol=1e-6)
