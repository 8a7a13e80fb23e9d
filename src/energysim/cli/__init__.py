"""The ``energysim`` command.

Subcommands are listed in one table, :data:`COMMANDS`, of ``(name, help, module, function)``.
A command's module is imported only when that command runs (or its ``--help`` is asked for),
so ``energysim validate`` stays fast however heavy ``run`` or ``plot`` are. To add a command,
add one line to the table and, in its module, a function ``fn(args) -> int`` decorated with
:func:`arguments` to declare its options::

    from energysim.cli import arguments

    @arguments(lambda p: p.add_argument("scenario", nargs="?", default="baseline"))
    def run_command(args) -> int:
        ...
        return 0

Exit status: 0 success, 2 invalid input (one line ``file:line: key.path: …`` on stderr, never a
traceback), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from energysim.errors import ScenarioError

#: (name, one-line help, module, function) of every subcommand, in ``--help`` order.
COMMANDS: list[tuple[str, str, str, str]] = [
    ("validate", "check scenario files; one line per file", "energysim.cli", "validate_command"),
    (
        "show",
        "print a resolved scenario (after extends) in the report's units",
        "energysim.cli",
        "show_command",
    ),
    ("params", "print the parameter catalogue", "energysim.cli", "params_command"),
    ("list", "list the bundled scenarios", "energysim.cli", "list_command"),
    ("new", "start your own scenario: a small file extending a bundled one", "energysim.cli.commands.new", "new_command"),  # noqa: E501
    (
        "run",
        "run a scenario; write results.nc, summary.csv, summary.xlsx",
        "energysim.cli.commands.run",
        "run_command",
    ),
    ("calibrate", "fit parameters to historical data; write a calibrated parameter file and a fit report", "energysim.cli.commands.calibrate", "calibrate_command"),  # noqa: E501
    ("targets", "track a scenario's targets: value, P(meet), traffic light", "energysim.cli.commands.targets", "targets_command"),  # noqa: E501
    ("report", "write the 1-4 page brief (pdf, png or html) of scenarios", "energysim.cli.commands.report", "report_command"),  # noqa: E501
    ("compare", "compare scenarios: key indicators, parameter diff, charts", "energysim.cli.commands.compare", "compare_command"),  # noqa: E501
    ("plot", "chart a saved run (results.nc) without rerunning", "energysim.cli.commands.plot", "plot_command"),  # noqa: E501
    ("sensitivity", "Sobol' or Morris sensitivity indices of scenario outputs", "energysim.cli.commands.sensitivity", "sensitivity_command"),  # noqa: E501
    ("sweep", "run a grid of lever values as one ensemble; table of outcomes", "energysim.cli.commands.sweep", "sweep_command"),  # noqa: E501
    ("projects", "list the project register: sizes, planned years, timing priors", "energysim.cli.commands.projects", "projects_command"),  # noqa: E501
    ("app", "the what-if page in the browser: levers as sliders, answers as you slide", "energysim.cli.commands.app", "app_command"),  # noqa: E501
    # other commands (run, targets, report, sensitivity, calibrate, plot, compare) add a line
]


def arguments(configure: Callable[[argparse.ArgumentParser], None]):
    """Decorator declaring a command's arguments: ``configure(parser)`` adds them."""

    def decorate(fn):
        fn.configure = configure
        return fn

    return decorate


def add_lang_argument(p: argparse.ArgumentParser, *, default: str = "zh") -> None:
    """``--lang {zh,en}``: the one spelling of the language option of every command."""
    p.add_argument("--lang", choices=("zh", "en"), default=default,
                   help=f"language of names and descriptions (default: {default})")


def _version() -> str:
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim import __version__

    return __version__


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (``energysim run: --samples: …``), raised
    as :class:`ScenarioError` so that :func:`main` prints them like every other input error
    (exit status 2) instead of a usage block."""

    def error(self, message: str):  # type: ignore[override]
        raise ScenarioError(
            f"invalid arguments ({message})",
            key=self.prog,
            hint=f"see `{self.prog} --help`",
        )


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only the ``selected`` command's module is imported."""
    parser = OneLineParser(
        prog="energysim",
        description="Energy-transition scenario simulator for coal regions "
        "(first region: Zhunge'er Banner, Ordos). 准格尔旗能源转型情景模拟。",
        epilog="`energysim COMMAND --help` describes a command. Exit status 2 means invalid "
        "input, reported on one line: file:line: key.path: what is wrong (expected …, got …).",
    )
    parser.add_argument("--version", action="version", version=f"energysim {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text, module, function in COMMANDS:
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            fn = getattr(importlib.import_module(module), function)
            configure = getattr(fn, "configure", None)
            if configure is not None:
                configure(p)
            p.set_defaults(_fn=fn)
    return parser


def _selected(argv: Sequence[str]) -> str | None:
    names = {c[0] for c in COMMANDS}
    for token in argv:
        if token in names:
            return token
        if not token.startswith("-"):
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``energysim`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(_selected(argv))
        args = parser.parse_args(argv)
        fn = getattr(args, "_fn", None)
        if fn is None:
            parser.print_help(sys.stderr)
            return 2
        return int(fn(args) or 0)
    except ScenarioError as exc:
        print(exc.one_line(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `energysim params | head`
        _silence_stdout()
        return 1
    except (OSError, MemoryError) as exc:
        print(environment_error_line(exc), file=sys.stderr)
        return 2


def environment_error_line(exc: BaseException) -> str:
    """One line for a file-system or memory error that escaped the checks made before a run."""
    if isinstance(exc, MemoryError):
        return ("energysim: out of memory (expected a run that fits, got MemoryError); use "
                "--keep summary, fewer samples or --max-memory")
    where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
    text = f"energysim: {where}{exc.strerror or exc} (expected a readable input and a writable " \
           "output)"
    return " ".join(text.split())


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


# -- validate ------------------------------------------------------------------------------
@arguments(
    lambda p: p.add_argument(
        "files", nargs="+", metavar="FILE", help="scenario YAML files or bundled names"
    )
)
def validate_command(args) -> int:
    """``energysim validate FILE…``: ``FILE: ok (N parameters set, M uncertain)``, or one line
    per problem of the file, in file order: every key, parameter and part of a value is read
    even after a problem, and the checks of the resolved scenario (horizon, growth paths,
    required parameters, correlations, targets) run for all that does not depend on a value
    that failed; after two or more problems, one last line names the checks skipped because
    of them (a single problem stays the one line of a bad input)."""
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.analysis.targets import target_problems

    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.loader import check_scenario

    status = 0
    for file in args.files:
        try:
            checked = check_scenario(file)
            if checked.scenario is not None:
                checked.add(target_problems(checked.scenario))
        except ScenarioError as exc:
            checked = None
            problems, skipped = getattr(exc, "problems", None) or [exc], None
        else:
            problems, skipped = checked.problems, checked.skipped_line()
        if problems:
            for problem in problems:
                print(problem.one_line(), file=sys.stderr)
            if skipped and len(problems) > 1:  # one problem stays one line
                print(skipped, file=sys.stderr)
            status = 2
            continue
        s = checked.scenario
        print(f"{file}: ok ({len(s.parameters)} parameters set, {len(s.uncertain)} uncertain"
              f"{_made_certain_note(s)})")
    return status


def _made_certain_note(s) -> str:
    """``; certain here, uncertain in baseline: a.b (line 6), … — …`` or ``""``."""
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.loader import made_certain

    found = made_certain(s)
    if not found:
        return ""
    by_parent: dict[str, list[str]] = {}
    for leaf, parent in found:
        by_parent.setdefault(parent, []).append(f"{leaf.path} (line {leaf.source.line})")
    parts = "; ".join(f"certain here, uncertain in {parent}: {', '.join(names)}"
                      for parent, names in by_parent.items())
    return (f"; {parts} — keep a range (a distribution or multiplier:) unless the scenario decides "
            "the value (docs/scenario-language.md)")


# -- show ----------------------------------------------------------------------------------
def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="scenario YAML file or bundled name")
    p.add_argument(
        "--all", action="store_true", help="also list parameters left at their catalogue default"
    )
    add_lang_argument(p)


@arguments(_show_args)
def show_command(args) -> int:
    """``energysim show FILE [--all]``: the resolved scenario with sources."""
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.loader import load_scenario

    s = load_scenario(args.file)
    print(render_scenario(s, include_defaults=args.all, lang=args.lang))
    return 0


def render_scenario(s, *, include_defaults: bool = False, lang: str = "zh") -> str:
    """Text of a resolved scenario: metadata, parameters (in the report's units, as a scenario
    writes them: :func:`energysim.scenario.display.leaf_text`) with file:line."""
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.analysis.targets import output_units

    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.display import leaf_text

    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.spec import default_leaf

    units = output_units()
    lines = [f"scenario: {s.name}"]
    for title_lang in ("zh", "en"):
        if title_lang in s.title:
            lines.append(f"title ({title_lang}): {s.title[title_lang]}")
    if s.description:
        lines.append("description: " + " ".join(s.description.split()))
    lines.append(f"file: {s.file}")
    if len(s.chain) > 1:
        lines.append("extends (lowest precedence first): " + " -> ".join(s.chain))
    lines.append(f"years: {s.base_year}–{s.end_year}")
    shown = [(p, leaf, str(leaf.source)) for p, leaf in s.parameters.items()]
    title = f"parameters ({len(s.parameters)} set, {len(s.uncertain)} uncertain"
    if include_defaults:
        shown = [
            (p, s.parameters[p], str(s.parameters[p].source))
            if p in s.parameters
            else (p, default_leaf(param), "(default)")
            for p, param in s.catalogue.items()
        ]
        title += f", {len(s.catalogue) - len(s.parameters)} defaults"
    lines.append(f"{title}; the report's units):")
    if shown:
        width = max(len(p) for p, _, _ in shown)
        for p, leaf, where in shown:
            lines.append(f"  {p:<{width}}  {leaf_text(leaf, s.catalogue[p], lang)}  [{where}]")
    else:
        lines.append("  (none: every parameter at its catalogue default)")
    if s.correlations:
        lines.append("correlations:")
        for c in s.correlations:
            lines.append(f"  {c.params[0]} ~ {c.params[1]}: rho {c.rho:g}  [{c.source}]")
    if s.targets:
        lines.append("targets:")
        for t in s.targets:
            value = _target_value(t, units, lang)
            tol = ""
            base = t.indicator.split("[")[0]  # `var[a,b]` selects labels of var
            if t.comparator == "≈" and base in units:
                # lazy: a command loads its layers only when it runs (start-up)
                from energysim.text.labels import show_value

                tol = " ± " + show_value(t.tolerance_in(units[base]), units[base], lang,
                                         digits=6, magnitude=t.value_in(units[base]))
            src = f"  « {t.source} »" if t.source else ""
            lines.append(
                f"  {t.indicator} {t.year} {t.comparator} {value}{tol} ({t.strength})"
                f"  [{t.where}]{src}"
            )
    return "\n".join(lines)


def _target_value(t, units: dict[str, str], lang: str = "zh") -> str:
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.text.labels import show_value

    base = t.indicator.split("[")[0]
    if base not in units:
        return f"{t.value} (unknown indicator)"
    if units[base].strip() in ("yr", "year"):  # a year (co2_peak_year)
        return f"{t.value_in(units[base]):g}"
    return show_value(t.value_in(units[base]), units[base], lang, digits=6)


# -- params --------------------------------------------------------------------------------
def _params_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--markdown", action="store_true", help="print the markdown of docs/parameters.md"
    )
    p.add_argument("--sector", help="only this sector (economy, power, …)")
    add_lang_argument(p, default="en")
    p.add_argument("--zh", action="store_const", const="zh", dest="lang", help=argparse.SUPPRESS)


@arguments(_params_args)
def params_command(args) -> int:
    """``energysim params [--markdown] [--sector S] [--lang zh|en]`` (``--zh``: old spelling of
    ``--lang zh``, kept as a hidden alias)."""
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.paramdoc import catalogue_markdown, catalogue_table

    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.spec import resolve_catalogue

    cat = resolve_catalogue(None)
    if args.sector:
        sectors = sorted({p.sector for p in cat.values()})
        if args.sector not in sectors:
            # lazy: only on the error path (a did-you-mean hint)
            from difflib import get_close_matches

            close = get_close_matches(args.sector, sectors, n=1)
            raise ScenarioError(
                f"unknown sector (expected one of {', '.join(sectors)}, got {args.sector!r})",
                key="--sector",
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
        cat = {k: p for k, p in cat.items() if p.sector == args.sector}
    if args.markdown:
        sys.stdout.write(catalogue_markdown(cat))
    else:
        print(catalogue_table(cat, lang=args.lang))
    return 0


# -- list ----------------------------------------------------------------------------------
@arguments(lambda p: None)
def list_command(args) -> int:
    """``energysim list``: bundled scenarios with their titles."""
    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.loader import BUNDLED_DIR, bundled_names

    # lazy: a command loads its layers only when it runs (start-up)
    from energysim.scenario.yamlio import read_yaml

    names = bundled_names()
    if not names:
        print("(no bundled scenarios)")
        return 0
    width = max(len(n) for n in names)
    for name in names:
        try:
            root = read_yaml(BUNDLED_DIR / f"{name}.yaml", display=f"{name}.yaml")
            title = root.value.get("title") if root.is_map else None
            text = _title_text(title.plain() if title is not None else None)
        except ScenarioError as exc:
            text = f"(invalid: {exc.one_line()})"
        print(f"{name:<{width}}  {text}")
    return 0


def _title_text(title) -> str:
    if isinstance(title, dict):
        return " / ".join(str(title[k]) for k in ("zh", "en") if k in title)
    return "" if title is None else str(title)

