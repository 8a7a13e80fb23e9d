"""``energysim new``: start a planner's own scenario as a small child of an existing one.

Usage::

    energysim new NAME [--from SCENARIO] [-o FILE] [--force]

writes ``NAME.yaml`` (or FILE): ``name: NAME``, ``extends: SCENARIO`` (a bundled name, or the
path of a file relative to the new file; default ``baseline``), the title to be replaced, and
the most used levers as commented lines holding the parent's values in the report's units
(万千瓦, 亿吨, %): uncomment a line and change its value. The file validates as written and,
with every lever uncommented, still resolves to the parent's values. An existing file is never
overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from pathlib import Path

from energysim.cli import arguments
from energysim.errors import ScenarioError
from energysim.scenario.display import leaf_text, leaf_yaml
from energysim.scenario.loader import load_scenario, loads_scenario, looks_like_path
from energysim.scenario.spec import default_leaf

#: The levers a planner changes most often (catalogue paths), in the order written.
LEVERS: tuple[str, ...] = (
    "economy.gdp_growth",
    "coal.mine_capacity",
    "coal.outbound_demand",
    "power.coal.add",
    "power.coal.hours",
    "power.coal.ccus_share",
    "power.wind.add",
    "power.solar.add",
    "storage.allocation_share",
    "hydrogen.electrolyser.add",
    "hydrogen.max_substitution_share",
    "transport.heavy_trucks.bev.sales_midpoint",
    "transport.mining_trucks.bev.sales_midpoint",
    "chemicals.olefins.capacity",
    "water.cap",
)


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME",
                   help="name of the new scenario (also the file name, NAME.yaml)")
    p.add_argument("--from", dest="parent", default="baseline", metavar="SCENARIO",
                   help="the scenario it extends: a bundled name or a file (default: baseline)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="file to write (default: NAME.yaml in the current directory)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


@arguments(_configure)
def new_command(args: argparse.Namespace) -> int:
    """Write the new scenario file; print its name and the next steps."""
    name = args.name.strip()
    if not name or "/" in name or os.sep in name or name.startswith("."):
        raise ScenarioError(f"invalid scenario name (expected a name such as 我的情景 without "
                            f"'/', got {args.name!r})", key="NAME")
    out = Path(args.output) if args.output else Path(f"{name}.yaml")
    if out.exists() and not args.force:
        raise ScenarioError("file exists (expected a new file; add --force to overwrite it)",
                            file=str(out))
    parent = load_scenario(args.parent)
    ref = parent_reference(args.parent, out)
    text = scenario_text(name, ref, parent)
    loads_scenario(text, file=str(out), base_dir=out.resolve().parent)  # never write a bad file
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    print(f"wrote {out} (extends {ref}); next: energysim validate {out} · energysim run {out}")
    sys.stdout.flush()
    return 0


def parent_reference(parent: str, out: Path) -> str:
    """How the new file names its parent: a bundled name as is, a file by its path relative to
    the new file's directory."""
    if not looks_like_path(parent) and not Path(parent).is_file():
        return parent
    rel = os.path.relpath(Path(parent).resolve(), out.resolve().parent)
    return rel if rel.endswith((".yaml", ".yml")) or "/" in rel else f"./{rel}"


def scenario_text(name: str, parent_ref: str, parent) -> str:
    """The YAML of a new child scenario of ``parent`` (a resolved Scenario).

    Parameters
    ----------
    name : str
        The new scenario's name (also its provisional title).
    parent_ref : str
        The ``extends`` entry.
    parent : Scenario
        The parent, resolved: its values fill the commented lever lines.
    """
    today = _dt.date.today().isoformat()
    ptitle = parent.title.get("zh") or parent.name
    lines = [
        f"# {name}: written by `energysim new {name} --from {parent_ref}` on {today}.",
        f"# Every parameter not set below keeps the value of `{parent.name}` ({ptitle});",
        f"# `energysim show {parent_ref}` lists them. Units are the report's "
        "(万千瓦, 亿吨, 亿元, %);",
        "# docs/scenario-language.md explains series, growth and uncertainty.",
        "# Check and run:  energysim validate FILE · energysim run FILE · "
        f"energysim report {parent.name} FILE",
        "",
        f"name: {_yaml_str(name)}",
        f"extends: {_yaml_str(parent_ref)}",
        "title:",
        f"  zh: {_yaml_str(name)}   # 情景标题(简报中显示),请替换",
        f"  en: {_yaml_str(name)}",
        "description:",
        "  zh: " + _yaml_str(f"在“{ptitle}”基础上调整的情景。请说明改了什么、为什么。"),
        "",
        "parameters:",
        f"  # The most used levers, with the values of `{parent.name}`: uncomment a line",
        "  # (remove the leading '# ') and change the value. Keep a `multiplier:` or `dist:`",
        "  # where the line has one unless your scenario decides the value (a policy): without it",
        "  # the parameter becomes certain, and `energysim validate` names it.",
    ]
    cat = parent.catalogue
    for path in LEVERS:
        if path not in cat:
            continue
        param = cat[path]
        leaf = parent.parameters.get(path) or default_leaf(param)
        lines.append(f"  # {param.zh}  ({leaf_text(leaf, param, 'zh')})")
        lines.append(f"  # {path}: {leaf_yaml(leaf, param)}")
    return "\n".join(lines) + "\n"


def _yaml_str(text: str) -> str:
    """``text`` as a YAML scalar: plain when safe, else double-quoted."""
    plain = text and not any(c in text for c in ":#{}[],&*?|<>=!%@`'\"") and text.strip() == text
    return text if plain else json.dumps(text, ensure_ascii=False)
