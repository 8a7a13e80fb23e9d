"""The brief: PDF text (pypdf) has the Chinese title and target names; PNG, HTML; atomic writes."""

from __future__ import annotations

import logging
import re
import warnings

import pytest

from energysim.briefing import report
from energysim.cli import main
from energysim.errors import ScenarioError

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def brief():
    return report.build_brief(["baseline", "accelerated"])


@pytest.fixture(scope="module")
def pdf_text(brief, tmp_path_factory):
    out = tmp_path_factory.mktemp("brief") / "brief.pdf"
    logger = logging.getLogger("matplotlib")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            report.write_brief(brief, out)
    finally:
        logger.removeHandler(handler)
    font_log = [r.getMessage() for r in records
                if "findfont" in r.getMessage() or r.levelno >= logging.WARNING]
    reader = pypdf.PdfReader(str(out))
    pages = [p.extract_text() for p in reader.pages]
    return {"pages": pages, "text": "\n".join(pages), "font_log": font_log,
            "metadata": reader.metadata}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_has_one_to_four_pages_and_no_font_warnings(pdf_text):
    assert 1 <= len(pdf_text["pages"]) <= 4  # the money page (issue 16) is the fourth
    assert pdf_text["font_log"] == []


def test_pdf_text_has_the_chinese_title_and_the_target_names(pdf_text, brief):
    text = squash(pdf_text["text"])
    assert squash(report.TITLE[0]) in text
    assert "Zhunge'erBannerenergy-transitionscenariobrief" in text
    for name in brief.targets["baseline"]["name"]:
        assert squash(name) in text, name
    for word in ("原煤产量", "碳排放达峰年份", "新增装机(风电+光伏)", "达标", "未达标"):
        assert squash(word) in text, word
    assert "Shapley" in text and "baseline" in text and "accelerated" in text


def test_pdf_lists_the_changed_assumptions_and_provenance(pdf_text, brief):
    from energysim.briefing.report import assumption_name

    text = squash(pdf_text["text"])
    cat = brief.comparison.scenarios["accelerated"].catalogue
    for path in brief.comparison.diffs["accelerated"]["path"][:3]:
        assert squash(assumption_name(cat[path], "zh")) in text  # names, not dotted paths
        assert path not in text
    assert "GW" not in text and "bnCNY" not in text
    sha = brief.comparison.datasets["accelerated"].attrs["scenario_sha256"][:16]
    assert sha in text and f"energysim{brief.version}" in text
    assert "准格尔旗" in pdf_text["metadata"].title


def test_brief_contents(brief):
    assert brief.names == ["baseline", "accelerated"]
    assert set(brief.wedges) == {"accelerated"}  # the reference has no wedges
    assert brief.wedges["accelerated"].parent_name == "baseline"
    assert len(brief.targets["baseline"]) == len(brief.targets["accelerated"]) > 5
    pages = report.render_pages(brief)
    assert len(pages) == 4  # with the money page (issue 16)
    assert all(abs(p.get_size_inches()[0] - report.PAGE_W) < 1e-9 for p in pages)
    charts = [sf for p in pages for sf in _subfigures(p)
              if any(hasattr(ax, "energysim_series") for ax in sf.axes)]
    assert 4 <= len(charts) <= 7  # 4–6 charts, plus the wedge chart
    assert any("情景对比" in (sf._suptitle.get_text() if sf._suptitle else "") for sf in charts)


def _subfigures(fig):
    for sf in fig.subfigs:
        yield sf
        yield from _subfigures(sf)


def test_html_is_self_contained(brief, tmp_path):
    out = report.write_brief(brief, tmp_path / "brief.html")
    html = out.read_text(encoding="utf-8")
    assert report.TITLE[0] in html and "原煤产量" in html
    assert html.count("data:image/png;base64,") >= 5
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert "<table>" in html and "新增风光装机的配储比例" in html and "20%" in html
    assert "storage.allocation_share" not in html


def test_png_stacks_the_pages(brief, tmp_path):
    import matplotlib.image as mimage

    out = report.write_brief(brief, tmp_path / "brief.png", dpi=40)
    img = mimage.imread(out)
    assert abs(img.shape[1] - report.PAGE_W * 40) <= 1
    assert img.shape[0] >= 3 * int(report.PAGE_H * 40)


def test_english_brief(tmp_path):
    b = report.build_brief(["accelerated"], lang="en", samples=8, seed=4)
    out = report.write_brief(b, tmp_path / "en.pdf")
    text = squash("\n".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages))
    assert squash(report.TITLE[1]) in text and squash(report.TITLE[0]) in text
    assert "Targets" in text and "P(meet)" in text and "ensembleof8samples" in text
    assert set(b.wedges) == {"accelerated"}  # a lone scenario: wedges against its parent


def test_write_is_atomic(brief, tmp_path, monkeypatch):
    def boom(_):
        raise RuntimeError("render failed")

    monkeypatch.setattr(report, "render_pages", boom)
    with pytest.raises(RuntimeError):
        report.write_brief(brief, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ScenarioError, match="unknown brief format"):
        report.write_brief(brief, tmp_path / "x.pdf", format="docx")


def test_report_command(tmp_path, capsys):
    out = tmp_path / "b.pdf"
    assert main(["report", "baseline", "accelerated", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert out.read_bytes()[:5] == b"%PDF-"
    assert main(["report", "nonexistent_scenario", "-o", str(tmp_path / "c.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and not (tmp_path / "c.pdf").exists()


def test_brief_lists_the_top_drivers(tmp_path):
    """Issue 12: an ensemble with bands and the top drivers of 2030 CO2, the peak year and
    2025 energy intensity, in words a planner reads (project names, catalogue descriptions)."""
    b = report.build_brief(["baseline"], samples=16, seed=1, drivers=4)
    t = b.drivers
    assert list(t["output"].unique()) == ["co2_total@2030", "co2_peak_year",
                                          "energy_intensity@2025"]
    assert (t.groupby("output")["rank"].max() == 5).all()
    assert (t["share"] > 0).all() and (t.groupby("output")["share"].sum() <= 1 + 1e-12).all()
    assert any(lbl.endswith("投运时间") for lbl in t["label"])  # a project's timing
    assert not any(lbl.startswith(("power.", "projects.")) for lbl in t["label"])
    out = tmp_path / "d.pdf"
    report.write_brief(b, out)
    text = squash("\n".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages))
    assert "主要不确定性来源" in text
    assert "集合模拟16个样本" in text  # an ensemble: medians with p5–p95 bands
