"""Issue 14 item 2: results never overwrite another run's results silently; calibrate writes
outside the package."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from energysim import cli
from energysim.results.outputs import MARKER, default_run_dir, run_variant
from energysim.scenario.loader import BUNDLED_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_variants_name_distinct_folders():
    assert default_run_dir("baseline") == Path("results/baseline")
    assert default_run_dir("baseline", from_year=2021) == Path("results/baseline-from2021")
    assert run_variant(samples=1000, seed=1) == "-n1000-seed1"
    assert run_variant(samples=1, method="central") == ""
    assert run_variant(samples=100, method="lhs", end_year=2050) == "-to2050-n100-lhs"


def test_hindcast_and_base_run_keep_their_own_folders(work, capsys):
    assert cli.main(["run"]) == 0
    assert cli.main(["run", "baseline", "--from-year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "results/baseline-from2021/results.nc" in out
    assert (work / "results/baseline/results.nc").is_file()
    assert (work / "results/baseline" / MARKER).is_file()


def test_same_run_again_refreshes_its_folder(work):
    assert cli.main(["run"]) == 0
    assert cli.main(["run"]) == 0


def test_a_copy_named_baseline_is_refused_then_forced(work, capsys):
    assert cli.main(["run"]) == 0
    before = hashlib.sha256((work / "results/baseline/summary.csv").read_bytes()).hexdigest()
    text = (BUNDLED_DIR / "baseline.yaml").read_text(encoding="utf-8")
    (work / "copy.yaml").write_text(
        re.sub(r"allocation_share: [^\n#]*", "allocation_share: 40% ", text, count=1),
        encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["run", "copy.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("results/baseline: holds the results of "
                                                   "another run (baseline, ")
    assert "--force" in err and "Traceback" not in err
    after = hashlib.sha256((work / "results/baseline/summary.csv").read_bytes()).hexdigest()
    assert before == after  # nothing written
    assert cli.main(["run", "copy.yaml", "--force"]) == 0
    forced = hashlib.sha256((work / "results/baseline/summary.csv").read_bytes()).hexdigest()
    assert forced != before


def test_a_folder_of_other_files_is_refused(work, capsys):
    (work / "mine").mkdir()
    (work / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    assert cli.main(["run", "-o", "mine"]) == 2
    assert "files energysim did not record" in capsys.readouterr().err
    assert sorted(p.name for p in (work / "mine").iterdir()) == ["notes.txt"]


def test_an_ensemble_into_a_deterministic_folder_is_refused(work, capsys):
    assert cli.main(["run", "-o", "r"]) == 0
    assert cli.main(["run", "-o", "r", "--samples", "8", "--quiet"]) == 2
    assert "holds the results of another run" in capsys.readouterr().err
    assert cli.main(["run", "--samples", "8", "--quiet"]) == 0
    assert (work / "results/baseline-n8/summary.csv").is_file()


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_calibrate_writes_outside_the_package(work, capsys):
    config_dir = work / "calibration"
    shutil.copytree(ROOT / "calibration", config_dir)
    bundled_before = _tree_digest(BUNDLED_DIR)
    config_before = _tree_digest(config_dir)
    assert cli.main(["calibrate", "calibration/baseline.yaml", "--no-figures",
                     "--samples", "0", "--holdout", "0"]) == 0
    out = work / "results" / "calibration-baseline"
    assert (out / "calibrated.yaml").is_file()
    assert _tree_digest(BUNDLED_DIR) == bundled_before
    assert _tree_digest(config_dir) == config_before
    capsys.readouterr()
    assert cli.main(["calibrate", "calibration/baseline.yaml", "-o", "x", "--update-bundled"]) == 2
    assert "--update-bundled" in capsys.readouterr().err
