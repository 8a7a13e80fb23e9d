"""Slider ↔ parameter mapping of the what-if page (energysim.briefing.app.levers): units, ranges,
baseline marks, and the child YAML that carries slider values back to a scenario file."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import energysim as es
from energysim.briefing.app.levers import (
    LEVER_GROUPS,
    LeverSpec,
    changed,
    child_yaml,
    lever_path,
    levers_for,
    new_path,
    nice_step,
    override_plain,
)
from energysim.core.catalogue import Param, catalogue
from energysim.errors import ScenarioError
from energysim.scenario import compile_scenario, loads_scenario

BASE = es.load_scenario("baseline")
GROUPS = levers_for(BASE)
LEVERS = {lv.path: lv for g in GROUPS for lv in g["levers"]}
YEARS = np.arange(BASE.base_year, BASE.end_year + 1)


def compiled_path(scenario, path):
    """The compiled central path of ``path`` [canonical unit]."""
    return compile_scenario(scenario, method="central").params()[path][0]


def test_the_issue_levers_are_on_the_page():
    for path in ("power.wind.add", "power.solar.add", "power.coal.add", "power.coal.lifetime",
                 "storage.allocation_share", "hydrogen.electrolyser.add",
                 "transport.heavy_trucks.bev.sales_ceiling", "chemicals.olefins.capacity",
                 "power.coal.ccus_share", "coal.output_cap", "water.cap", "economy.gdp_growth"):
        assert path in LEVERS, path
    assert [g["key"] for g in GROUPS] == [k for k, *_ in LEVER_GROUPS if
                                         any(lv.group == k for lv in LEVERS.values())]


def test_levers_follow_the_catalogue():
    """A parameter added to the catalogue under a listed pattern appears without code change."""
    extra = Param("power.export.capacity", "GW", 6.0, (0.0, 40.0), "Export capacity.",
                  "外送通道容量。", "power")
    cat = {**catalogue(), extra.path: extra}
    scenario = loads_scenario("name: t\nextends: baseline\n", catalogue=cat)
    levers = {lv.path: lv for g in levers_for(scenario) for lv in g["levers"]}
    lever = levers["power.export.capacity"]
    assert lever.group == "energy" and lever.baseline == 6.0
    assert (lever.lo, lever.hi) == (0.0, 18.0)  # bound 40 GW narrowed to 3 × the path
    assert lever.zh == "外送通道容量。" and lever.en == "Export capacity."
    assert "power.export.capacity" not in LEVERS  # not in today's catalogue


def test_units_are_the_reports():
    from energysim.text.labels import display_unit

    solar = LEVERS["power.solar.add"]
    assert solar.display["zh"]["unit"] == "万千瓦/年" and solar.display["zh"]["factor"] == 100.0
    assert (solar.display["en"]["factor"], solar.display["en"]["unit"]) == display_unit(
        "GW/yr", "en")  # the same numbers in both languages, labels in English
    assert LEVERS["coal.mine_capacity"].display["zh"]["unit"] == "亿吨"
    assert LEVERS["coal.mine_capacity"].display["zh"]["factor"] == pytest.approx(0.01)
    olefins = LEVERS["chemicals.olefins.capacity"]
    assert olefins.display["zh"]["unit"] == "万吨" and olefins.display["zh"]["factor"] == 100.0
    share = LEVERS["storage.allocation_share"]
    assert share.display["zh"]["unit"] == "%" and share.display["zh"]["factor"] == 100.0
    midpoint = LEVERS["transport.heavy_trucks.bev.sales_midpoint"]
    assert midpoint.calendar and midpoint.display["zh"]["factor"] == 1.0


def test_baseline_marks_are_the_scenarios_values_in_the_reference_year():
    """The mark is the value the scenario *writes* (named projects of the register, which the
    compiler adds on top, are not a lever's)."""
    for lv in LEVERS.values():
        path = lever_path(BASE, lv.path)
        assert lv.baseline == path[lv.ref - BASE.base_year], lv.path
    assert LEVERS["power.solar.add"].baseline == pytest.approx(2.0)  # 200万千瓦 in 2024


def test_ranges_stay_inside_the_catalogue_bounds():
    cat = catalogue()
    for lv in LEVERS.values():
        lo, hi = cat[lv.path].bounds
        assert lv.lo < lv.hi
        assert lo is None or lv.lo >= lo, lv.path
        assert hi is None or lv.hi <= hi, lv.path
        assert lv.lo <= lv.baseline <= lv.hi or lv.path == "coal.output_cap", lv.path
    cap = LEVERS["coal.output_cap"]  # the default "no cap" sits above the slider's range
    assert cap.hi == pytest.approx(1.5 * lever_path(BASE, "coal.mine_capacity").max())


@pytest.mark.parametrize("span, step", [(600.0, 5.0), (150.0, 1.0), (5.1, 0.05), (45, 0.5)])
def test_nice_step(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_yaml_is_written_in_the_reports_units():
    solar = LEVERS["power.solar.add"]
    plain = override_plain(BASE, solar, 3.0)
    assert plain["interpolation"] == "step"
    assert plain["values"][2024] == "300 万千瓦/yr"  # scaled ×1.5 from 2024 on
    assert plain["values"][2026] == "240 万千瓦/yr"
    plan_2023 = lever_path(BASE, "power.solar.add")[1] * 100
    assert plain["values"][2023] == f"{plan_2023:g} 万千瓦/yr"  # the report's year is kept
    assert override_plain(BASE, LEVERS["hydrogen.max_substitution_share"], 0.2) == {
        "values": {2022: "30%", 2024: "20%"}, "interpolation": "step"}
    growth = override_plain(BASE, LEVERS["economy.gdp_growth"], 0.05)
    assert growth["multiplier"]["dist"] == "triangular"  # uncertainty kept


def test_the_baseline_mark_is_the_plan_itself():
    """At its mark, every lever gives the scenario's own path (so writing nothing is right)."""
    for lv in LEVERS.values():
        plan = lever_path(BASE, lv.path)
        np.testing.assert_allclose(new_path(lv, plan, YEARS, lv.baseline), plan, rtol=1e-12,
                                   err_msg=lv.path)
    electrolysers = LEVERS["hydrogen.electrolyser.add"]  # 0 in 2024, built from 2025
    assert electrolysers.mode == "scale" and electrolysers.ref == 2025


def test_levers_at_their_marks_write_nothing():
    values = {lv.path: lv.baseline for lv in LEVERS.values()}
    assert changed(list(LEVERS.values()), values) == {}
    text = child_yaml(BASE, list(LEVERS.values()), values, extends="baseline")
    child = loads_scenario(text)
    assert child.parameters == BASE.parameters


def test_bad_values_are_refused_in_one_line():
    levers = list(LEVERS.values())
    with pytest.raises(ScenarioError, match="not a lever"):
        changed(levers, {"power.nope": 1.0})
    with pytest.raises(ScenarioError, match="not a number"):
        changed(levers, {"power.solar.add": "lots"})
    assert changed(levers, {"power.solar.add": 1e9}) == {"power.solar.add": LEVERS[
        "power.solar.add"].hi}


@given(path=st.sampled_from(sorted(LEVERS)), frac=st.floats(0.0, 1.0))
@example(path="hydrogen.electrolyser.add", frac=0.0)
@example(path="coal.output_cap", frac=1.0)
@example(path="power.coal.add", frac=1.1125369292536007e-308)  # the register's fractions (CI)
def test_child_yaml_compiles_to_the_slider_path(path, frac):
    """Any lever at any slider position: the child file validates and compiles to the path
    the lever describes (to the 9 digits written), and earlier years are untouched."""
    lever = LEVERS[path]
    value = lever.lo + frac * (lever.hi - lever.lo)
    text = child_yaml(BASE, list(LEVERS.values()), {path: value}, extends="baseline")
    child = loads_scenario(text, file="child.yaml")
    got = lever_path(child, path)
    want = new_path(lever, lever_path(BASE, path), YEARS, lever.clamp(value))
    if lever.clamp(value) == lever.clamp(lever.baseline):  # at the mark: the plan unchanged
        want = lever_path(BASE, path)  # (the output cap's mark, "no cap", is above its range)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-12)
    before = YEARS < lever.start
    np.testing.assert_array_equal(got[before], lever_path(BASE, path)[before])
    # what runs: the compiled arrays differ from the base's in this parameter only, and in
    # the first-year fraction of its additions, which the project register compiles as the
    # capacity-weighted mean of the named projects' months and the generic additions (issue 12)
    moved, base = compile_scenario(child, method="central").params(), compile_scenario(
        BASE, method="central").params()
    derived = {path.rsplit(".", 1)[0] + ".first_year_fraction"} if path.endswith(".add") else set()
    assert all(np.array_equal(moved[p], base[p]) for p in base if p != path and p not in derived)
    others = [p for p in BASE.parameters if p != path]
    assert all(child.parameters[p].base == BASE.parameters[p].base for p in others)


def test_self_contained_child_equals_the_extending_child():
    values = {"power.solar.add": 3.3, "chemicals.olefins.capacity": 1.0}
    levers = list(LEVERS.values())
    a = loads_scenario(child_yaml(BASE, levers, values, extends="baseline"))
    b = loads_scenario(child_yaml(BASE, levers, values, extends=None))
    ca = compile_scenario(a, method="central").params()
    cb = compile_scenario(b, method="central").params()
    for p in ca:
        np.testing.assert_array_equal(ca[p], cb[p], err_msg=p)


def test_a_spec_with_a_reference_year_scales_the_planned_path():
    from energysim.briefing.app.levers import make_lever

    spec = LeverSpec("power.solar.add", ref=2031)
    lever = make_lever(BASE, catalogue()["power.solar.add"], spec, "energy")
    plan = lever_path(BASE, lever.path)
    assert lever.mode == "scale" and lever.baseline == plan[2031 - 2022]
    path = new_path(lever, plan, YEARS, 0.5 * lever.baseline)
    assert path[2031 - 2022] == pytest.approx(0.5 * plan[2031 - 2022])
    assert path[2026 - 2022] == pytest.approx(0.5 * plan[2026 - 2022])  # the shape is kept
    assert path[2023 - 2022] == plan[2023 - 2022]  # before the start year: the plan
    assert dataclasses.asdict(lever)["display"]["zh"]["unit"] == "万千瓦/年"


def test_an_uncertain_parameter_is_a_lever_that_scales_its_distribution():
    lever = LEVERS["power.coal.min_hours"]  # triangular in the baseline
    assert lever.distribution and lever.mode == "scale" and lever.start == BASE.base_year
    dist = BASE.leaf(lever.path).dist
    assert lever.baseline == dist.args["mode"]
    plain = override_plain(BASE, lever, 0.5 * lever.baseline)
    assert plain["dist"] == "triangular"
    assert plain["low"] == f"{dist.args['low'] * 0.5:g} h/yr"
    assert plain["high"] == f"{dist.args['high'] * 0.5:g} h/yr"
    assert override_plain(BASE, lever, 0.0) == "0 h/yr"  # collapsed: a plain value
    top = override_plain(BASE, LEVERS["power.coal.max_hours"], LEVERS["power.coal.max_hours"].hi)
    assert top["high"] == "8760 h/yr"  # clipped to the catalogue bound
