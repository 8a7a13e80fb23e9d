"""``extends``: precedence order, several parents, diamonds, cycles, missing parents."""

from __future__ import annotations

import pytest

from energysim.errors import InheritanceError, display_path
from energysim.scenario import loader


def hours(s):
    return s.parameters["power.solar.hours"].base.value


def test_child_overrides_parent_leaf_whole(write, load):
    write(
        "base.yaml",
        """
        base_year: 2022
        end_year: 2050
        title: {en: Base}
        parameters:
          power.solar.hours: {values: {2022: 1500 h/yr, 2030: 1600 h/yr}, interpolation: step}
          power.wind.hours: 2500 h/yr
    """,
    )
    child = write(
        "child.yaml",
        """
        extends: base.yaml
        parameters:
          power:
            solar:
              hours: 1400 h/yr
    """,
    )
    s = load(child)
    assert s.parameters["power.solar.hours"].base.value == 1400.0  # the whole leaf replaced
    assert s.parameters["power.wind.hours"].base.value == 2500.0  # inherited, deep merge
    assert s.parameters["power.wind.hours"].source.file.endswith("base.yaml")
    assert s.end_year == 2050  # horizon inherited
    assert s.title == {} and s.name == "child"  # name and title belong to the file
    assert [c.rsplit("/", 1)[-1] for c in s.chain] == ["base.yaml", "child.yaml"]


def test_several_parents_later_wins(write, load):
    write("p1.yaml", "parameters:\n  power.solar.hours: 1100 h/yr\n  power.wind.hours: 2100 h/yr\n")
    write("p2.yaml", "parameters:\n  power.solar.hours: 1200 h/yr\n")
    s = load(write("c.yaml", "extends: [p1.yaml, p2.yaml]\n"))
    assert hours(s) == 1200.0
    assert s.parameters["power.wind.hours"].base.value == 2100.0
    s = load(write("d.yaml", "extends: [p2.yaml, p1.yaml]\n"))
    assert hours(s) == 1100.0
    s = load(
        write("e.yaml", "extends: [p2.yaml, p1.yaml]\nparameters: {power.solar.hours: 1 h/yr}\n")
    )
    assert hours(s) == 1.0  # the child overrides all parents


def test_diamond_applies_shared_ancestor_once(write, load):
    write(
        "root.yaml", "parameters:\n  power.solar.hours: 1000 h/yr\n  power.wind.hours: 2000 h/yr\n"
    )
    write("left.yaml", "extends: root.yaml\nparameters:\n  power.solar.hours: 1100 h/yr\n")
    write("right.yaml", "extends: root.yaml\nparameters:\n  power.wind.hours: 2200 h/yr\n")
    s = load(write("top.yaml", "extends: [left.yaml, right.yaml]\n"))
    # root is applied once, first: right does not reset left's solar hours to root's
    assert hours(s) == 1100.0
    assert s.parameters["power.wind.hours"].base.value == 2200.0
    assert [c.rsplit("/", 1)[-1] for c in s.chain] == [
        "root.yaml",
        "left.yaml",
        "right.yaml",
        "top.yaml",
    ]


def test_null_unsets_inherited_value(write, load):
    write("base.yaml", "parameters:\n  power.solar.hours: 1400 h/yr\n")
    s = load(write("c.yaml", "extends: base.yaml\nparameters:\n  power.solar.hours: null\n"))
    assert "power.solar.hours" not in s.parameters


def test_paths_relative_to_the_child_file(write, load, tmp_path, monkeypatch):
    write("sub/base.yaml", "parameters:\n  power.solar.hours: 1300 h/yr\n")
    child = write("sub/child.yaml", "extends: ./base.yaml\n")
    monkeypatch.chdir(tmp_path)  # not the child's directory
    assert hours(load(child)) == 1300.0
    top = write("top.yaml", "extends: sub/child.yaml\n")
    assert hours(load(top)) == 1300.0


def test_bundled_names(write, load, tmp_path, monkeypatch):
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "calibrated.yaml").write_text("parameters:\n  power.solar.hours: 1234 h/yr\n")
    monkeypatch.setattr(loader, "BUNDLED_DIR", bundled)
    s = load(write("c.yaml", "extends: [calibrated]\n"))
    assert hours(s) == 1234.0
    assert loader.bundled_names() == ["calibrated"]
    assert loader.load_scenario("calibrated", catalogue=s.catalogue).name == "calibrated"


def test_correlations_and_targets_merge(write, load):
    write(
        "base.yaml",
        """
        parameters:
          power.solar.hours: {dist: normal, mean: 1500 h, sd: 50 h}
          power.wind.hours: {dist: normal, mean: 2500 h, sd: 50 h}
        correlations:
          - {params: [power.solar.hours, power.wind.hours], rho: 0.3}
        targets:
          - {indicator: coal_output, year: 2023, comparator: "≈", value: 3.2亿吨}
          - {indicator: coal_output, year: 2025, comparator: "<=", value: 3.5亿吨}
    """,
    )
    s = load(
        write(
            "c.yaml",
            """
        extends: base.yaml
        correlations:
          - {params: [power.wind.hours, power.solar.hours], rho: 0.6}
        targets:
          - {indicator: coal_output, year: 2023, comparator: "~", value: 3.0亿吨}
    """,
        )
    )
    assert [c.rho for c in s.correlations] == [0.6]
    assert [(t.year, t.value) for t in s.targets] == [(2023, "3.0亿吨"), (2025, "3.5亿吨")]


def test_years_checked_against_the_resolved_horizon(write, load):
    write("base.yaml", "parameters:\n  coal.output_cap: {2022: 3亿吨, 2055: 2亿吨}\n")
    with pytest.raises(
        Exception,
        match=r"base\.yaml:2: parameters\.coal\.output_cap\.2055: year "
        r"outside the horizon \(expected 1972 ≤ year ≤ 2050, got 2055\)",
    ):
        load(write("c.yaml", "extends: base.yaml\nend_year: 2050\n"))


def test_self_cycle(write, load):
    path = write("self.yaml", "name: self\nextends: self.yaml\n")
    with pytest.raises(InheritanceError) as err:
        load(path)
    assert err.value.one_line() == (
        f"{path}:2: extends: extends cycle (expected scenarios that do not extend themselves, "
        f"got {path} -> {path})"
    )


def test_three_cycle_names_the_chain(write, load):
    write("a.yaml", "extends: b.yaml\n")
    write("b.yaml", "extends: [c.yaml]\n")
    write("c.yaml", "extends:\n  - a.yaml\n")
    with pytest.raises(InheritanceError) as err:
        load(write("top.yaml", "extends: a.yaml\n"))
    msg = err.value.one_line()
    assert ":2: extends: extends cycle" in msg and msg.split(":")[0].endswith("c.yaml")
    chain = msg.split("got ")[1].rstrip(")")
    assert [p.rsplit("/", 1)[-1] for p in chain.split(" -> ")] == [
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "a.yaml",
    ]


def test_missing_parent(write, load):
    path = write("c.yaml", "name: c\nextends: [nothere.yaml]\n")
    with pytest.raises(InheritanceError) as err:
        load(path)
    assert err.value.one_line() == (
        f"{path}:2: extends: parent scenario not found (expected a path relative to "
        f"{display_path(path.parent)}, got 'nothere.yaml')"
    )


def test_missing_bundled_parent_suggests_sibling(write, load):
    write("base.yaml", "name: base\n")
    with pytest.raises(InheritanceError, match=r"did you mean './base\.yaml'\?"):
        load(write("c.yaml", "extends: base\n"))


def test_extends_must_be_text(load):
    with pytest.raises(InheritanceError, match=r"s\.yaml:1: extends: parent must be"):
        load("extends: [1]\n")
