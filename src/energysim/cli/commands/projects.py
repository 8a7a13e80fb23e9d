"""``energysim projects``: the project register with sizes, planned dates and timing priors.

Usage::

    energysim projects [SCENARIO] [--all]

Without a scenario: every project of the register (``--all`` also lists those that are not
modelled, with the reason). With a scenario: the projects it includes and its timing mode. Each
row: id, parameter, size (canonical unit), planned year (and month), verb, P(on time),
P(never), the central run's year. Data: src/energysim/data/projects/register.yaml;
docs/projects.md.
"""

from __future__ import annotations

import argparse

from energysim.cli import arguments
from energysim.scenario import load_scenario
from energysim.scenario.projects import load_register


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", default=None,
                   help="scenario file or bundled name (default: the whole register)")
    p.add_argument("--all", action="store_true",
                   help="also list projects without a model parameter")


def format_register(ids=None, *, show_all: bool = False, timing: str = "uncertain") -> str:
    """The register (or the given ids) as aligned text, one project per line."""
    reg = load_register()
    chosen = list(reg.projects) if ids is None else list(ids)
    rows = [("id", "parameter", "size", "planned", "verb", "P(on time)", "P(never)", "central")]
    for pid in chosen:
        p = reg.projects[pid]
        if not p.modelled and not show_all:
            continue
        prior = reg.priors[p.verb]
        planned = "—" if p.planned_year is None else str(p.planned_year)
        if p.planned_month is not None:
            planned += f"-{p.planned_month:02d}"
        if p.modelled:
            delay = 0 if timing == "planned" else prior.mode
            central = "never" if delay < 0 else str(p.planned_year + delay)
            size = f"{p.size:g} ({p.size_text})"
            param = p.parameter
        else:
            central, size, param = "—", str(p.size_text or "—"), "not modelled"
        rows.append((pid, param, size, planned, p.verb, f"{prior.p_on_time:.2f}",
                     f"{prior.p_never:.2f}", central))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


@arguments(_configure)
def projects_command(args: argparse.Namespace) -> int:
    """Print the register, or the projects a scenario includes."""
    if args.scenario is None:
        print(format_register(show_all=args.all))
        return 0

    s = load_scenario(args.scenario)
    print(f"{s.name}: {len(s.projects)} projects, timing {s.project_timing}")
    if s.projects:
        print(format_register(s.projects, timing=s.project_timing))
    return 0
