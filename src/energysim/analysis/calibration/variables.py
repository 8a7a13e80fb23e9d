"""Result-variable expressions that observations are compared with.

Grammar (the same ``name[labels]`` as in targets)::

    expr := NAME                   a result variable, e.g. ``gdp``, ``coal_output``
          | NAME "[" LABELS "]"    summed over the listed labels of its category dimension,
                                   e.g. ``power_cap[coal]``, ``power_add[wind,solar]``
          | "growth(" expr ")"     year-on-year change x[t] / x[t-1] - 1 (a fraction)

A variable with a category dimension (``tech``, ``sector``, ``product``, ``powertrain``) and no
labels is summed over all of them.

``growth`` in the first simulated year needs the year before, which a run does not have.
For ``generation`` the model defines it (docs/model.md): the initial stocks (end of the year
before) at the first year's uncurtailed full-load hours; that is what the report's
"发电量增长14.1%" is compared with. For other variables the first year is undefined and an
observation there is refused (start the run a year earlier with ``from_year``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from energysim.core.engine import output_coords, output_specs
from energysim.errors import ScenarioError

__all__ = ["Expr", "parse_expr"]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PLAIN = re.compile(rf"^\s*(?P<name>{_NAME})\s*(?:\[(?P<labels>[^\]]*)\])?\s*$")
_GROWTH = re.compile(r"^\s*growth\s*\((?P<inner>.*)\)\s*$")

#: Outputs needed to rebuild "previous-year" generation for ``growth(generation)``.
_PREV_GEN_NEEDS = ("power_cap", "power_add", "power_retire", "power_hours",
                   "curtailment_share")


@dataclass(frozen=True)
class Expr:
    """A parsed expression.

    Attributes
    ----------
    text : str
        As written.
    name : str
        The result variable.
    labels : tuple of str
        Labels summed over (empty: all, when the variable has a category dimension).
    growth : bool
        Year-on-year change of the selection.
    unit : str
        Canonical unit of the value (``""`` for a growth).
    dim : str or None
        The variable's category dimension.
    """

    text: str
    name: str
    labels: tuple[str, ...]
    growth: bool
    unit: str
    dim: str | None

    @property
    def needs(self) -> set[str]:
        """Result variables a run must keep to evaluate the expression."""
        out = {self.name}
        if self.growth and self.name == "generation":
            out |= set(_PREV_GEN_NEEDS)
        return out

    def first_year_defined(self) -> bool:
        """Whether the value exists in the first simulated year."""
        return not self.growth or self.name == "generation"

    def evaluate(self, outputs) -> np.ndarray:
        """Values for every sample and year.

        Parameters
        ----------
        outputs : mapping of str to ndarray
            Engine outputs (:func:`energysim.core.engine.simulate`), ``(m, n_years[, k])``.

        Returns
        -------
        ndarray, shape (m, n_years)
            In :attr:`unit`; ``nan`` in the first year where it is undefined.
        """
        level = self._level(outputs, self.name)
        if not self.growth:
            return level
        prev = np.empty_like(level)
        prev[:, 1:] = level[:, :-1]
        prev[:, 0] = self._previous_generation(outputs) if self.name == "generation" else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            return level / prev - 1.0

    def _level(self, outputs, name: str, labels: tuple[str, ...] | None = None) -> np.ndarray:
        a = np.asarray(outputs[name], dtype=np.float64)
        labels = self.labels if labels is None else labels
        if a.ndim == 3:
            if labels:
                idx = [_coords()[self.dim].index(lab) for lab in labels]
                a = a[:, :, idx]
            return a.sum(axis=-1)
        return a

    @staticmethod
    def _previous_generation(outputs) -> np.ndarray:
        """Generation of the year before the first [TWh/yr], shape (m,) (docs/model.md)."""
        cap = np.asarray(outputs["power_cap"])[:, 0]
        initial = cap - np.asarray(outputs["power_add"])[:, 0] + np.asarray(
            outputs["power_retire"])[:, 0]
        hours = np.asarray(outputs["power_hours"], dtype=np.float64)[:, 0].copy()
        keep = 1.0 - np.asarray(outputs["curtailment_share"])[:, 0]
        techs = _coords()["tech"]
        for j, tech in enumerate(techs):
            if tech != "coal":  # wind and solar hours are after curtailment
                with np.errstate(divide="ignore", invalid="ignore"):
                    hours[:, j] = np.where(keep > 0, hours[:, j] / np.where(keep > 0, keep, 1),
                                           hours[:, j])
        return (initial * hours).sum(axis=-1) / 1000.0  # GW·h/yr → TWh/yr


def _coords() -> dict[str, tuple[str, ...]]:
    return output_coords()


def parse_expr(text, *, file: str | None = None, line: int | None = None,
               key: str = "variable") -> Expr:
    """Parse and check an expression against the model's result variables.

    Raises
    ------
    ScenarioError
        Unknown variable or label, labels on a variable without a category dimension, a
        malformed expression (``file:line: key: …``).
    """
    where = {"file": file, "line": line, "key": key}
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError(
            f"not a result variable (expected a name such as gdp or power_cap[coal], got "
            f"{text!r})", **where)
    growth = False
    inner = text
    m = _GROWTH.match(text)
    if m:
        growth, inner = True, m.group("inner")
    m = _PLAIN.match(inner)
    if m is None:
        raise ScenarioError(
            f"malformed variable (expected NAME, NAME[label,…] or growth(…), got {text!r})",
            **where)
    name = m.group("name")
    specs = output_specs()
    if name not in specs:
        import difflib  # lazy: only on the error path (a did-you-mean hint)

        close = difflib.get_close_matches(name, list(specs), n=1)
        raise ScenarioError(
            f"unknown result variable (expected a name from energysim.core.engine.output_specs(), "
            f"got {name!r})", **where,
            hint=f"did you mean {close[0]!r}?" if close else None)
    spec = specs[name]
    dim = spec.dims[0] if spec.dims else None
    labels: tuple[str, ...] = ()
    if m.group("labels") is not None:
        labels = tuple(s.strip() for s in m.group("labels").split(",") if s.strip())
        if dim is None:
            raise ScenarioError(
                f"{name} has no category dimension (expected {name} without [labels], got "
                f"{text!r})", **where)
        known = _coords()[dim]
        bad = [lab for lab in labels if lab not in known]
        if bad or not labels:
            raise ScenarioError(
                f"unknown {dim} label (expected some of {', '.join(known)}, got "
                f"{', '.join(bad) or 'none'})", **where)
    if name == "co2_peak_year":
        raise ScenarioError(
            f"{name} is not a yearly series (expected a variable with a value every year, got "
            f"{name!r})", **where)
    return Expr(text=text.strip(), name=name, labels=labels, growth=growth,
                unit="" if growth else spec.unit, dim=dim)
