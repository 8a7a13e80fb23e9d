"""Issue 14 item 1: the planner's own scenario — a copied bundled file, `energysim new`, and
the parent its wedges are computed against."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from energysim import cli
from energysim.analysis.compare import parameter_diff
from energysim.analysis.wedges import wedge_parent
from energysim.scenario import load_scenario
from energysim.scenario.loader import BUNDLED_DIR


@pytest.fixture
def planner_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_copied_bundled_scenario_validates_anywhere(planner_dir, capsys):
    shutil.copy(BUNDLED_DIR / "baseline.yaml", planner_dir / "我的情景.yaml")
    assert cli.main(["validate", "我的情景.yaml"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("我的情景.yaml: ok")
    s = load_scenario("我的情景.yaml")
    assert s.parameters["power.coal.capacity_initial"].source.file.endswith(
        "parts/calibrated.yaml")


def test_a_part_beside_the_copy_takes_precedence(planner_dir):
    (planner_dir / "parts").mkdir()
    text = (BUNDLED_DIR / "parts" / "calibrated.yaml").read_text(encoding="utf-8")
    text = re.sub(r"power\.coal\.capacity_initial: [0-9.]+ GW",
                  "power.coal.capacity_initial: 8 GW", text)
    (planner_dir / "parts" / "calibrated.yaml").write_text(text, encoding="utf-8")
    shutil.copy(BUNDLED_DIR / "baseline.yaml", planner_dir / "mine.yaml")
    s = load_scenario("mine.yaml")
    assert s.parameters["power.coal.capacity_initial"].base.value == pytest.approx(8.0)


def test_parts_resolve_by_name(planner_dir):
    (planner_dir / "x.yaml").write_text("name: x\nextends: calibrated\n", encoding="utf-8")
    s = load_scenario("x.yaml")
    assert "economy.gdp_base" in s.parameters


def test_missing_parent_still_one_line(planner_dir, capsys):
    (planner_dir / "x.yaml").write_text("name: x\nextends: parts/nothing.yaml\n",
                                        encoding="utf-8")
    assert cli.main(["validate", "x.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "x.yaml:2: extends: parent scenario not found" in err


def test_new_writes_a_valid_small_child(planner_dir, capsys):
    assert cli.main(["new", "我的情景"]) == 0
    text = (planner_dir / "我的情景.yaml").read_text(encoding="utf-8")
    assert "extends: baseline" in text and "name: 我的情景" in text
    solar = next(x for x in text.splitlines() if x.startswith("  # power.solar.add: "))
    assert solar.startswith("  # power.solar.add: {values: {2022: ") and "万千瓦" in solar
    assert "# storage.allocation_share: " in text and "15%" in text
    assert "GW" not in text and "Mt/yr" not in text  # the report's units only
    s = load_scenario("我的情景.yaml")
    assert s.name == "我的情景" and s.title["zh"] == "我的情景"
    assert parameter_diff("baseline", s).empty


def test_new_levers_uncommented_read_back_to_the_parents_values(planner_dir):
    for parent in ("baseline", "accelerated"):
        assert cli.main(["new", f"mine_{parent}", "--from", parent]) == 0
        path = planner_dir / f"mine_{parent}.yaml"
        text = path.read_text(encoding="utf-8")
        lever_line = re.compile(r"^  # ([a-z_]+\.[a-z_.]+: )", re.M)
        assert len(lever_line.findall(text)) >= 12
        path.write_text(lever_line.sub(r"  \1", text), encoding="utf-8")
        s = load_scenario(path)
        assert len(s.chain) > len(load_scenario(parent).chain)
        assert parameter_diff(parent, s).empty, parameter_diff(parent, s)


def test_new_from_a_file_names_it_relative(planner_dir):
    shutil.copy(BUNDLED_DIR / "accelerated.yaml", planner_dir / "acc.yaml")
    (planner_dir / "sub").mkdir()
    assert cli.main(["new", "child", "--from", "acc.yaml", "-o", "sub/child.yaml"]) == 0
    text = (planner_dir / "sub" / "child.yaml").read_text(encoding="utf-8")
    assert "extends: ../acc.yaml" in text
    assert load_scenario("sub/child.yaml").chain[-2].endswith("acc.yaml")


def test_new_never_overwrites_silently(planner_dir, capsys):
    (planner_dir / "mine.yaml").write_text("keep me\n", encoding="utf-8")
    assert cli.main(["new", "mine"]) == 2
    err = capsys.readouterr().err
    assert err == "mine.yaml: file exists (expected a new file; add --force to overwrite it)\n"
    assert (planner_dir / "mine.yaml").read_text(encoding="utf-8") == "keep me\n"
    assert cli.main(["new", "mine", "--force"]) == 0
    assert "extends: baseline" in (planner_dir / "mine.yaml").read_text(encoding="utf-8")


def test_new_refuses_a_path_as_name(planner_dir, capsys):
    assert cli.main(["new", "a/b"]) == 2
    assert "invalid scenario name" in capsys.readouterr().err
    assert not list(Path(planner_dir).iterdir())


def test_wedges_of_a_copy_are_against_the_bundled_scenario(planner_dir):
    text = (BUNDLED_DIR / "baseline.yaml").read_text(encoding="utf-8")
    text = text.replace("name: baseline", "name: 我的情景", 1)
    text = re.sub(r"allocation_share: [^\n#]*", "allocation_share: 30% ", text, count=1)
    (planner_dir / "我的情景.yaml").write_text(text, encoding="utf-8")
    parent = wedge_parent("我的情景.yaml")
    assert parent.name == "baseline"
    assert list(parameter_diff(parent, "我的情景.yaml")["path"]) == ["storage.allocation_share"]


def test_wedges_of_new_and_bundled_scenarios(planner_dir):
    assert cli.main(["new", "mine", "--from", "accelerated"]) == 0
    assert wedge_parent("mine.yaml").name == "accelerated"
    assert wedge_parent("accelerated").name == "baseline"
    assert wedge_parent("baseline").name == "calibrated"  # the bundled baseline: its parts
