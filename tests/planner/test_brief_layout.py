"""Issue 14 item 7: briefs of 4–6 scenarios hold — no overprinted text (character boxes of
the PDF), every scenario's charts and every alternative's wedges, readers' scenario names,
one scale and one unit across side-by-side charts, one colour per lever, a conclusion per
scenario from the numbers."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from energysim.briefing import report

SIX = ["baseline", "accelerated", "coal_lockin", "hydrogen_storage", "water_constrained"]


def overprinted(pdf_path: Path, min_share: float = 0.3) -> list[tuple]:
    """Pairs of characters printed over each other (horizontal text), per page: (page, char,
    char, x, y) — their boxes overlap by more than ``min_share`` of the smaller box's width and
    by more than 60 % of its height (one line over another; the box of a fallback-font glyph
    such as ``⁸`` reaches into the line above without touching its glyphs). Neighbours in one
    string (kerning, as in "GDP,") are not overprint."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c.get("upright", True) and c["text"].strip()]
            grid: dict[tuple[int, int], list[int]] = {}
            for k, c in enumerate(chars):
                for gx in range(int(c["x0"] // 20), int(c["x1"] // 20) + 1):
                    for gy in range(int(c["top"] // 20), int(c["bottom"] // 20) + 1):
                        grid.setdefault((gx, gy), []).append(k)
            pairs = {p for cell in grid.values() for p in itertools.combinations(cell, 2)}
            for i, j in pairs:
                a, b = chars[i], chars[j]
                if abs(i - j) == 1 and abs(a["top"] - b["top"]) < 0.5:
                    continue  # consecutive characters of one string
                w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if w <= 0 or h <= 0:
                    continue
                width = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
                height = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
                if width > 0 and w > min_share * width and h > 0.6 * height:
                    found.append((number, a["text"], b["text"], round(a["x0"]), round(a["top"])))
    return found


def test_the_detector_finds_overprinted_words(tmp_path):
    from matplotlib.figure import Figure

    from energysim.briefing.plots import style

    with style():
        fig = Figure(figsize=(4, 2))
        fig.text(0.1, 0.5, "coal_lockin 煤炭锁定", fontsize=10)
        fig.text(0.16, 0.5, "hydrogen_storage", fontsize=10)  # the bug of issue 14: overprint
        fig.text(0.1, 0.2, "clean line", fontsize=10)
        fig.savefig(tmp_path / "bad.pdf")
    found = overprinted(tmp_path / "bad.pdf")
    assert found and all(f[4] < 100 for f in found)  # only the overprinted line


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    """A brief of six scenarios: five bundled and a planner's own (`energysim new`)."""
    from energysim import cli

    d = tmp_path_factory.mktemp("six")
    own = d / "我的情景.yaml"
    assert cli.main(["new", "我的情景", "-o", str(own)]) == 0
    import re

    text = re.sub(r"  # storage.allocation_share: [^\n]*", "  storage.allocation_share: 30%",
                  own.read_text(encoding="utf-8"), count=1)
    own.write_text(text.replace("title:\n  zh: 我的情景", "title:\n  zh: 高配储情景"),
                   encoding="utf-8")
    brief = report.build_brief([*SIX, str(own)], lang="zh")
    pdf = report.write_brief(brief, d / "brief.pdf")
    return brief, pdf


def test_six_scenarios_without_overprinted_text(six):
    _, pdf = six
    assert overprinted(pdf) == []


def test_four_scenarios_without_overprinted_text(tmp_path):
    import pypdf

    brief = report.build_brief(SIX[:4], lang="en")
    pdf = report.write_brief(brief, tmp_path / "brief.pdf")
    assert overprinted(pdf) == []
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    for unit in ("万吨", "万千瓦", "亿吨", "亿元", "GW", "Mt/yr", "bnCNY", "Mm3"):
        assert unit not in text, unit  # English labels of the report's units only


def _chart_titles(pages) -> list[str]:
    titles = []
    for page in pages:
        for ax in page.get_axes():
            titles.append(ax.get_title(loc="left"))
    return titles


def test_nothing_dropped_and_readers_names(six):
    brief, pdf = six
    assert set(brief.wedges) == set(brief.names[1:])  # every alternative
    assert brief.wedges["我的情景"].parent_name == "baseline"
    pages = report.render_pages(brief)
    titles = _chart_titles(pages)
    for name in brief.names:
        label = brief.label(name)
        assert sum(label in t for t in titles) >= 2, (name, label)  # CO2 and capacity charts
    assert brief.label("baseline") == "基准情景" and brief.label("我的情景") == "高配储情景"
    import pypdf

    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    text = "".join(text.split())
    for name in brief.names:
        assert brief.label(name) in text
    assert "coal_lockin:" not in text and "hydrogen_storage(" not in text


def test_side_by_side_charts_share_scale_and_unit(six):
    brief, _ = six
    pages = report.render_pages(brief)
    co2 = [ax for page in pages for ax in page.get_axes()
           if ax.get_title(loc="left").startswith("分部门二氧化碳排放 ·")]
    assert len(co2) == len(brief.names)
    assert len({ax.get_ylim() for ax in co2}) == 1
    assert len({ax.get_ylabel() for ax in co2}) == 1


def test_one_colour_per_lever_across_wedge_charts(six):
    from energysim.briefing import plots

    brief, _ = six
    colours: dict[str, set] = {}
    for w in brief.wedges.values():
        fig = plots.wedges(w, lang="zh")
        bars = fig.axes[1].patches
        for lever, bar in zip(w.levers, bars, strict=False):
            colours.setdefault(lever, set()).add(tuple(np.round(bar.get_facecolor(), 3)))
    assert colours and all(len(c) == 1 for c in colours.values())
    assert plots.lever_color("power") != plots.lever_color("storage")


def test_a_conclusion_per_scenario_from_the_numbers(six):
    brief, _ = six
    table = brief.comparison.table
    for name in brief.names:
        sentence = report.conclusion(brief, name)
        first = next(c for c in table.columns if isinstance(c, tuple))[0]
        peak = table.at["co2_peak_year", (first, name)]
        want = "2030年前实现碳达峰" if peak <= 2030 else "2030年前未实现碳达峰"
        assert sentence.startswith(f"{brief.label(name)}: {want}({peak:.0f}年达峰)")
        assert sentence.endswith("项。") and sentence.count("。") == 1


def test_a_new_scenario_unchanged_from_its_parent_has_no_empty_wedges(tmp_path):
    from energysim import cli

    assert cli.main(["new", "同参", "-o", str(tmp_path / "same.yaml")]) == 0
    brief = report.build_brief(["baseline", str(tmp_path / "same.yaml")], lang="zh")
    assert brief.wedges == {}
    assert any("参数相同,无政策楔形" in n for n in brief.notes)
    assert len(report.render_pages(brief)) >= 3
