"""Issue 14 item 8: the 快速开始 steps of README work literally in a fresh clone.

The commands are read from README's 快速开始 section (its inline code that starts with
``energysim`` or ``cp``; ``pip install -e .`` is the install this test runs under) and run in
order, through the shell, in a fresh ``git clone`` of the repository at its committed state.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def quickstart_commands(readme: str) -> list[str]:
    """The shell commands of the 快速开始 section, in order (install steps dropped)."""
    section = readme.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    commands = []
    for span in re.findall(r"`([^`]+)`", section):
        parts = [p.strip() for p in span.split("&&")]
        parts = [p for p in parts if not p.startswith("pip install")]
        commands += [p for p in parts if p.startswith(("energysim ", "cp "))]
    return commands


def test_the_section_names_the_planners_path():
    commands = quickstart_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands[0] == "energysim run"
    for want in ("energysim new 我的情景", "energysim validate 我的情景.yaml",
                 "energysim run 我的情景.yaml", "cp scenarios/baseline.yaml 我的情景2.yaml"):
        assert want in commands
    assert any(c.startswith("energysim report baseline 我的情景.yaml") for c in commands)


@pytest.fixture
def clone(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the quickstart test needs git and a git checkout")
    dest = tmp_path / "energysim"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    return dest


def test_quickstart_steps_work_literally_in_a_fresh_clone(clone):
    energysim = Path(sys.executable).parent / "energysim"
    env = {**os.environ, "PATH": f"{energysim.parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "COLUMNS": "120"}
    commands = quickstart_commands((clone / "README.md").read_text(encoding="utf-8"))
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=clone, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        assert "Traceback" not in done.stderr
    assert (clone / "results" / "baseline" / "summary.xlsx").is_file()
    assert (clone / "results" / "我的情景" / "summary.csv").is_file()
    assert (clone / "简报.pdf").stat().st_size > 10_000
    copied = subprocess.run("energysim validate 我的情景2.yaml", shell=True, cwd=clone, env=env,
                            capture_output=True, text=True)
    assert copied.returncode == 0, copied.stderr
    assert not subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                              cwd=clone, capture_output=True, text=True).stdout  # no tracked
    # file of the clone changed
