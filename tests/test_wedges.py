"""Policy wedges: lever contributions add up to the difference; Shapley and one-at-a-time."""

from __future__ import annotations

import textwrap
from itertools import product

import numpy as np
import pytest

from energysim.analysis import wedges
from energysim.analysis.compare import run_scenario
from energysim.errors import InheritanceError, ScenarioError


@pytest.fixture(scope="module")
def acc():
    return wedges.decompose("accelerated", year=2030)


def test_contributions_sum_to_the_difference_every_year(acc):
    assert acc.method == "shapley" and acc.runs == 2 ** len(acc.levers)
    for o in acc.outputs.values():
        total = sum(o["contrib"].values())
        np.testing.assert_allclose(total, o["child"] - o["parent"], rtol=1e-12, atol=1e-9)


def test_end_points_are_the_two_scenarios(acc):
    parent, child = run_scenario("baseline"), run_scenario("accelerated")
    for out in ("co2_total", "coal_output"):
        np.testing.assert_allclose(acc.outputs[out]["parent"], parent[out].values[0], rtol=1e-12)
        np.testing.assert_allclose(acc.outputs[out]["child"], child[out].values[0], rtol=1e-12)


def test_levers_are_the_groups_that_differ(acc):
    assert acc.parent_name == "baseline" and acc.child_name == "accelerated"
    assert set(acc.levers) == {"power", "storage", "transport", "hydrogen"}
    assert "power.coal.ccus_share" in acc.paths["power"]
    assert all(p.startswith(f"{lv}.") for lv, ps in acc.paths.items() for p in ps)


def test_table_rows_sum_to_the_total(acc):
    t = acc.table(lang="en")
    assert list(t.index) == [*acc.levers, "total"]
    assert t.loc[list(acc.levers), "co2_total"].sum() == pytest.approx(t.at["total", "co2_total"])
    i = list(acc.years).index(2030)
    assert t.at["power", "co2_total"] == pytest.approx(
        acc.outputs["co2_total"]["contrib"]["power"][i] * 100.0)  # Mt/yr → 万吨 (10⁴ t)
    zh = acc.table(2040, lang="zh")
    assert zh.at["total", "name"] == "合计" and acc.units("zh")["co2_total"] == "万吨"


def test_shapley_formula_on_a_known_game():
    # v(S) = a·x1 + b·x2 + c·x1·x2 + d·x3: φ1 = a + c/2, φ2 = b + c/2, φ3 = d
    a, b, c, d = 3.0, -2.0, 1.0, 5.0
    values = {m: np.array([a * m[0] + b * m[1] + c * m[0] * m[1] + d * m[2]], dtype=float)
              for m in product((False, True), repeat=3)}
    phi = wedges._shapley(values, 3)
    np.testing.assert_allclose([p[0] for p in phi], [a + c / 2, b + c / 2, d])


def test_one_at_a_time_in_a_stated_order():
    order = ["hydrogen", "power", "transport", "storage"]
    w = wedges.decompose("accelerated", max_shapley=2, order=order)
    assert w.method == "one_at_a_time" and list(w.levers) == order and w.runs == 5
    o = w.outputs["co2_total"]
    np.testing.assert_allclose(sum(o["contrib"].values()), o["child"] - o["parent"], atol=1e-9)
    with pytest.raises(ScenarioError, match="order must list each lever once"):
        wedges.decompose("accelerated", max_shapley=2, order=["power"])


def test_depth_two_splits_the_levers(tmp_path):
    f = tmp_path / "two.yaml"
    f.write_text(textwrap.dedent("""
        name: two
        extends: baseline
        parameters:
          power:
            wind: {add: {values: {2022: 0 GW, 2024: 2 GW}, interpolation: step}}
            solar: {add: {values: {2022: 0 GW, 2024: 3 GW}, interpolation: step}}
    """), encoding="utf-8")
    w1 = wedges.decompose(f)
    assert w1.levers == ("power",)
    w2 = wedges.decompose(f, depth=2)
    assert set(w2.levers) == {"power.wind", "power.solar"} and w2.runs == 4
    for w in (w1, w2):
        o = w.outputs["co2_total"]
        np.testing.assert_allclose(sum(o["contrib"].values()), o["child"] - o["parent"],
                                   atol=1e-9)
    np.testing.assert_allclose(w1.outputs["co2_total"]["child"], w2.outputs["co2_total"]["child"])
    assert wedges.lever_name("power.wind", "zh") == "风电"


def test_identical_scenario_has_no_levers(tmp_path):
    f = tmp_path / "same.yaml"
    f.write_text("name: same\nextends: baseline\n", encoding="utf-8")
    w = wedges.decompose(f)
    assert w.levers == () and w.runs == 1
    np.testing.assert_array_equal(w.outputs["co2_total"]["child"],
                                  w.outputs["co2_total"]["parent"])


def test_errors(tmp_path):
    lone = tmp_path / "lone.yaml"
    lone.write_text("name: lone\nextends: []\n", encoding="utf-8")
    with pytest.raises(InheritanceError, match="extends no parent"):
        wedges.decompose(lone)
    with pytest.raises(ScenarioError, match="cannot decompose 'co2'"):
        wedges.decompose("accelerated", outputs=("co2",))
    with pytest.raises(ScenarioError, match="year outside the simulated years"):
        wedges.decompose("accelerated", year=2100)
    assert wedges.parent_of("accelerated").name == "baseline"
