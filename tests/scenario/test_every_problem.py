"""``energysim validate`` reports every independent problem of a file, in file order (issue 14).

Each key, parameter and part of a value is read after a problem; the checks of the resolved
scenario run for everything that does not depend on a value that failed, and one last line
names those that do.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from energysim import cli
from energysim.errors import ScenarioError
from energysim.scenario.loader import check_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]

# Independent problems, each on its own line of a scenario extending the baseline: (yaml line
# under `parameters:` or top level, the key the message names, what it says).
SEVERAL = """\
name: several
extends: baseline
parameters:
  power:
    wind:
      capacity_initial: 10 foo
      add: {2023: 100万千瓦, 2024: -5万kW, 2025: 3 Mt}
  economy:
    gdp_growth: 250%
  coal:
    output_cap: {2023: 3.3亿吨, 2099: 3亿吨}
correlations:
  - {params: [power.solar.hours, coal.output_cap], rho: 0.3}
targets:
  - {indicator: co2_totl, year: 2030, comparator: "<=", value: 1亿吨}
"""


def _lines(err: str, file: Path) -> list[tuple[int, str]]:
    out = []
    for text in err.splitlines():
        m = re.match(rf"{re.escape(str(file))}:(\d+): ([^:]+): ", text)
        assert m, text
        out.append((int(m.group(1)), m.group(2)))
    return out


def test_several_independent_problems_are_all_reported_in_file_order(tmp_path, capsys):
    f = tmp_path / "several.yaml"
    f.write_text(SEVERAL, encoding="utf-8")
    assert cli.main(["validate", str(f)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    *problems, skipped = err.splitlines()
    assert _lines("\n".join(problems), f) == [
        (6, "parameters.power.wind.capacity_initial"),  # a bad unit
        (7, "parameters.power.wind.add.2024"),  # two bad parts of one value
        (7, "parameters.power.wind.add.2025"),
        (9, "parameters.economy.gdp_growth"),  # a bad value in another section
        (11, "parameters.coal.output_cap.2099"),  # whole scenario: a year past the horizon
        (13, "correlations"),  # whole scenario: a correlated parameter that is fixed
        (15, "targets.co2_totl"),  # whole scenario: an unknown result
    ]
    # the baseline correlates GDP growth with another parameter: not checked with 250%
    assert skipped.startswith(f"{f}: skipped checks") and "(needs economy.gdp_growth at line 9)" \
        in skipped
    lines = problems
    assert "unknown unit 'foo'" in lines[0] and "(expected " in lines[0]
    assert "wrong dimension" in lines[2] and "got mass" in lines[2]
    assert "did you mean 'co2_total'?" in lines[6]


def test_checks_that_need_a_failed_value_are_named_on_one_last_line(tmp_path, capsys):
    f = tmp_path / "skip.yaml"
    f.write_text(
        "extends: baseline\nparameters:\n  power.wind.hours: 2000 foo\n"
        "  economy.gdp_growth: {dist: triangular, low: 5%, mode: 3%, high: 4 GW}\n"
        "correlations:\n  - {params: [power.wind.hours, power.solar.hours], rho: 0.3}\n",
        encoding="utf-8",
    )
    assert cli.main(["validate", str(f)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [int(x.split(":")[1]) for x in lines[:-1]] == [3, 4]
    last = lines[-1]
    assert last.startswith(f"{f}: skipped checks")
    # the distribution's low ≤ mode ≤ high needs `high`; the correlation needs wind hours
    assert "consistency of the distribution of parameters.economy.gdp_growth (needs line 4)" \
        in last
    assert "the correlation at line 6 (needs power.wind.hours at line 3)" in last
    assert "mode outside" not in "\n".join(lines)


def test_a_broken_horizon_skips_the_horizon_checks_only(tmp_path):
    f = tmp_path / "h.yaml"
    f.write_text("extends: baseline\nend_year: twenty\nparameters:\n"
                 "  coal.output_cap: {2023: 3.3亿吨, 2099: 3亿吨}\n  power.wind.hours: 5 GW\n",
                 encoding="utf-8")
    checked = check_scenario(f)
    assert [(p.line, p.key) for p in checked.problems] == [
        (2, "end_year"), (5, "parameters.power.wind.hours")]
    assert "years in the horizon and growth paths (needs end_year at line 2)" in \
        checked.skipped_line()


def test_load_scenario_raises_the_first_problem_carrying_all(tmp_path):
    f = tmp_path / "two.yaml"
    f.write_text("extends: baseline\nparameters:\n  power.wind.hours: 5 GW\n"
                 "  power.solar.hours: 9 GW\n", encoding="utf-8")
    try:
        load_scenario(f)
    except ScenarioError as exc:
        assert exc.line == 3 and [p.line for p in exc.problems] == [3, 4]
    else:  # pragma: no cover - the file is invalid
        raise AssertionError("an invalid file loaded")


def test_console_script_prints_every_line_and_no_traceback(tmp_path):
    f = tmp_path / "several.yaml"
    f.write_text(SEVERAL, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "energysim.cli", "validate", str(f)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 7 + 1


# One bad line per parameter, each independent of the others: any subset is reported exactly.
BAD_LINES = [
    ("power.wind.hours", "5 GW"),
    ("power.solar.hours", "abc"),
    ("economy.gdp_growth", "250%"),
    ("coal.output_cap", "{2023: -1亿吨}"),
    ("storage.allocation_share", "15"),
    ("power.wind.add", "{2023: 3 Mt}"),
]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(range(len(BAD_LINES))), unique=True, min_size=1))
def test_any_set_of_independent_problems_is_reported_one_line_each(tmp_path_factory, picks):
    f = tmp_path_factory.mktemp("p") / "p.yaml"
    body = "".join(f"  {BAD_LINES[i][0]}: {BAD_LINES[i][1]}\n" for i in picks)
    f.write_text("extends: baseline\nparameters:\n" + body, encoding="utf-8")
    checked = check_scenario(f)
    assert [p.line for p in checked.problems] == list(range(3, 3 + len(picks)))
    assert [p.key.split(".20")[0] for p in checked.problems] == \
        [f"parameters.{BAD_LINES[i][0]}" for i in picks]
