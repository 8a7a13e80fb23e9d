"""Where a command writes its results, and never over another run's results silently.

* :func:`default_run_dir` — a distinct default folder per distinct run:
  ``results/<scenario>`` for the scenario as written, with the variant appended otherwise
  (``results/baseline-from2021``, ``results/accelerated-n1000-seed1``);
* :func:`claim_output_dir` — before anything runs: a folder that holds the results of ANOTHER
  run (another scenario file, name or variant) is refused in one line unless ``--force``; the
  same run again simply refreshes its files;
* :func:`mark_output_dir` — after writing: records which run the folder holds
  (``.energysim-run.json``: scenario name, file, variant).

Only the standard library is imported.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from energysim.errors import ScenarioError, display_path
from energysim.results.resultset import safe_component

__all__ = ["MARKER", "run_variant", "default_run_dir", "run_identity", "claim_output_dir",
           "mark_output_dir", "output_file"]

#: The file that names the run a folder holds.
MARKER = ".energysim-run.json"


def run_variant(*, from_year: int | None = None, end_year: int | None = None,
                samples: int = 1, seed: int | None = None, method: str | None = None,
                kind: str | None = None) -> str:
    """The part of a default folder name that tells runs of one scenario apart.

    ``""`` for the scenario as written (one deterministic sample); else ``-from2021``,
    ``-to2050``, ``-n1000``, ``-seed1``, ``-lhs`` and the kind of output (``-sensitivity``) in
    that order.
    """
    parts = []
    if from_year is not None:
        parts.append(f"from{int(from_year)}")
    if end_year is not None:
        parts.append(f"to{int(end_year)}")
    if samples is not None and int(samples) > 1:
        parts.append(f"n{int(samples)}")
    if seed is not None:
        parts.append(f"seed{int(seed)}")
    if method is not None and method != ("central" if (samples or 1) <= 1 else "mc"):
        parts.append(str(method))
    if kind:
        parts.append(kind)
    return "".join(f"-{p}" for p in parts)


def default_run_dir(scenario_name: str, **variant: Any) -> Path:
    """``results/<scenario name><variant>`` (see :func:`run_variant`)."""
    return Path("results") / f"{safe_component(scenario_name)}{run_variant(**variant)}"


def run_identity(scenario, **variant: Any) -> dict[str, Any]:
    """What makes two runs the same run: scenario name and file, and the variant options."""
    file = getattr(scenario, "file", None)
    return {
        "scenario": getattr(scenario, "name", str(scenario)),
        "file": str(Path(file).resolve()) if file and not str(file).startswith("<") else file,
        "variant": run_variant(**variant),
    }


def _describe(identity: dict[str, Any]) -> str:
    variant = identity.get("variant") or ""
    file = identity.get("file")
    return f"{identity.get('scenario')}{variant}, {display_path(file) if file else '?'}"


def claim_output_dir(out: str | os.PathLike, identity: dict[str, Any], *,
                     force: bool = False) -> Path:
    """Check, before a run, that writing to ``out`` overwrites nothing of another run.

    Parameters
    ----------
    out : path-like
        The output folder.
    identity : dict
        :func:`run_identity` of the run about to write.
    force : bool
        Overwrite whatever the folder holds.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ScenarioError
        One line naming the folder, the run it holds and how to proceed (``--force`` or
        ``-o DIR``), when the folder holds files of another run, or files energysim did not
        write.
    """
    out = Path(out)
    if force or not out.exists():
        return out
    if not out.is_dir():
        raise ScenarioError(f"not a folder (expected an output folder, got a file {str(out)!r})",
                            file=str(out), key="-o")
    held = _read_marker(out)
    if held is None:
        if not any(out.iterdir()):
            return out
        what = "files energysim did not record"
    elif held == identity:
        return out
    else:
        what = f"the results of another run ({_describe(held)})"
    raise ScenarioError(
        f"holds {what} (expected an empty folder or this run's, {_describe(identity)}); "
        "add --force to overwrite, or -o DIR for another folder", file=str(out))


def mark_output_dir(out: str | os.PathLike, identity: dict[str, Any]) -> Path:
    """Record which run ``out`` holds (atomically); returns the marker's path."""
    path = Path(out) / MARKER
    tmp = path.with_name(f"{MARKER}.tmp")
    tmp.write_text(json.dumps(identity, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _read_marker(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def output_file(output: str | None, default_name: str) -> Path:
    """The file a one-file command (``report``, ``plot``) writes, from ``-o``.

    ``-o`` means the same for every command — where the output goes: a folder (an existing
    one, or a name ending in ``/`` or without a suffix) receives ``default_name``; a name
    with a suffix is the file itself. No ``-o``: ``default_name`` in the working directory.
    """
    if not output:
        return Path(default_name)
    path = Path(output)
    if path.is_dir() or output.endswith(("/", os.sep)) or not path.suffix:
        return path / default_name
    return path
