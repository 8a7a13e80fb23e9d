"""The what-if page's model (energysim.briefing.app.answers.Session) against the engine, and the
`energysim app` command's handling of bad input. The browser itself: test_browser.py."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import energysim as es
from energysim.analysis.targets import evaluate
from energysim.briefing.app.answers import Session, base_from_source
from energysim.errors import ScenarioError
from energysim.scenario import loads_scenario

SESSION = Session(base_from_source("baseline"), samples=500, seed=1)
MOVE = {"power.coal.ccus_share": 1.0, "power.solar.add": 3.0}


def test_the_baseline_answers_are_the_engines():
    ds = es.run("baseline")
    det = SESSION.baseline
    assert det["series"]["co2_total"]["values"] == ds["co2_total"].isel(sample=0).values.tolist()
    assert det["peak_year"] == float(ds["co2_peak_year"].isel(sample=0))
    cap = ds["power_cap"].isel(sample=0)
    assert det["stacked"]["power_cap"]["values"][1] == cap.sel(tech="wind").values.tolist()
    assert det["stacked"]["co2"]["names"]["zh"][0] == "电力"


def test_deterministic_answers_equal_a_run_of_the_downloaded_file():
    det = SESSION.deterministic(MOVE)
    text = SESSION.child_text(MOVE)
    ds = es.run(loads_scenario(text, file="what-if.yaml"))
    for var in ("co2_total", "coal_output", "energy_intensity", "renewable_gen_share"):
        np.testing.assert_array_equal(det["series"][var]["values"],
                                      ds[var].isel(sample=0).values, err_msg=var)
    assert det["series"]["co2_total"]["values"] != SESSION.baseline["series"]["co2_total"][
        "values"]
    assert det["changed"] == sorted(MOVE)


def test_ensemble_targets_are_energysim_targets_of_the_same_ensemble():
    ens = SESSION.ensemble(MOVE)
    scenario = loads_scenario(SESSION.child_text(MOVE), file="what-if.yaml")
    table = evaluate(es.run(scenario, samples=500, seed=1), lang="zh")
    assert [r["status"] for r in ens["targets"]] == table["status"].tolist()
    np.testing.assert_array_equal([r["p_meet"] for r in ens["targets"]], table["p_meet"])
    np.testing.assert_allclose([r["zh"]["value"] for r in ens["targets"]], table["p50"])
    en = evaluate(es.run(scenario, samples=500, seed=1), lang="en")
    np.testing.assert_allclose([r["en"]["value"] for r in ens["targets"]], en["p50"])
    assert [r["en"]["unit"] for r in ens["targets"]] == en["unit"].tolist()
    band = ens["bands"]["co2_total"]
    assert all(a <= b <= c for a, b, c in zip(band["p5"], band["p50"], band["p95"], strict=True))


def test_a_bad_file_gives_the_validate_line_and_keeps_the_session(tmp_path):
    bad = "name: bad\nextends: baseline\nparameters:\n  power:\n    solar:\n      add: 3 kg\n"
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "energysim.cli", "validate", "bad.yaml"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2
    session = Session(base_from_source("baseline"), samples=10)
    token = session.token
    with pytest.raises(ScenarioError) as err:
        session.open(bad, "bad.yaml", base_dir=tmp_path)
    assert err.value.one_line() == proc.stderr.strip()
    assert session.token == token and session.base.label == "baseline"


def test_an_opened_file_becomes_the_base_and_children_are_self_contained(tmp_path):
    text = "name: mine\nextends: baseline\nparameters:\n  storage:\n    allocation_share: 25%\n"
    session = Session(base_from_source("baseline"), samples=10)
    session.open(text, "mine.yaml", base_dir=tmp_path)
    assert session.base.label == "mine.yaml" and session.base.extends is None
    lever = next(lv for lv in session.levers if lv.path == "storage.allocation_share")
    assert lever.baseline == pytest.approx(0.25)
    child = session.child_text({"power.solar.add": 2.5})
    assert "extends" not in child
    ds = es.run(loads_scenario(child))
    np.testing.assert_array_equal(session.deterministic({"power.solar.add": 2.5})["series"][
        "co2_total"]["values"], ds["co2_total"].isel(sample=0).values)


def test_stale_pages_are_refused():
    with pytest.raises(ScenarioError, match="reload the page"):
        SESSION.check_token("0:elsewhere")


def test_brief_is_a_pdf_of_the_base_and_the_what_if(tmp_path):
    from pypdf import PdfReader

    session = Session(base_from_source("baseline"), samples=20)
    pdf = session.brief_pdf({"power.coal.ccus_share": 0.5}, lang="en")
    (tmp_path / "brief.pdf").write_bytes(pdf)
    reader = PdfReader(tmp_path / "brief.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert 1 <= len(reader.pages) <= 4  # the money page (issue 16) is the fourth
    assert "baseline-whatif" in text


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "energysim.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_app_with_a_bad_scenario_prints_one_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: x\nparameters:\n  power.solar.add: 3 kg\n")
    proc = _cli("app", "bad.yaml", "--port", "0", cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bad.yaml:3: ") and proc.stdout == ""


def test_app_on_a_busy_port_prints_one_line():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _cli("app", "--port", str(port), "--samples", "10")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and f"cannot listen on 127.0.0.1:{port}" in \
        proc.stderr


def test_validate_does_not_import_the_web_stack():
    code = ("import sys; from energysim.cli import main; main(['validate', 'baseline']); "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'plotly') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().endswith("[]"), proc.stdout
