"""Units: one pint registry that also speaks the report's Chinese magnitudes.

Scenario files may write every quantity the way the banner's reports do: ``470.5万千瓦``,
``3.2亿吨``, ``1300亿元``, ``7%``. This module turns such text into a float in the catalogue's
canonical unit, or raises :class:`~energysim.errors.UnitError` naming the key, the expected
dimension and what was given.

Definitions added to pint's default registry
--------------------------------------------
=================  ==========================================================================
prefixes           ``万- = 1e4``, ``亿- = 1e8``, ``万亿- = 1e12`` (usable on every unit:
                   ``万千瓦``, ``亿千瓦时``, ``万吨标准煤``, ``亿元``, ``亿立方米``, ``亿斤``)
power, energy      ``瓦 = W``, ``千瓦 = kW``, ``兆瓦 = MW``, ``吉瓦 = GW``, ``千瓦时 = 度 = kWh``,
                   ``兆瓦时 = MWh``
coal equivalent    ``tce = 吨标准煤 = 29.3076 GJ`` (1 kgce = 29,307.6 kJ, GB/T 2589),
                   ``gce = 1e-6 tce`` (so ``kgce``, ``Mtce``, ``gce/kWh`` work with SI prefixes)
mass               ``吨 = t``, ``kt = 1000 t`` (pint's ``kt`` is the knot; energy
                   modellers mean kilotonnes), ``千克 = 公斤 = kg``, ``克 = g``, ``斤 = 0.5 kg``
currency           ``CNY = 元 = yuan`` on a new base dimension ``[currency]``,
                   ``bnCNY = 1e9 CNY`` (so ``1300亿元 == 130 bnCNY``); money is real yuan of
                   :data:`CURRENCY_YEAR`, and a currency may carry its year (``元2024``,
                   ``CNY2024``, ``yuan2024``): another year is refused (no deflator is applied)
volume, area       ``立方米 = 方 = m**3``, ``Nm3 = m**3`` (gas volume at normal conditions),
                   ``m3``, ``亩 = 10000/15 m**2`` (15 亩 = 1 公顷 exactly), ``公顷 = hectare``,
                   ``升 = L``
time               ``年 = yr``, ``小时 = h`` (pint: ``yr`` is the Julian year, 365.25 d)
counts             ``台 辆 座 个 套 户 人 vehicle station`` are dimensionless 1
=================  ==========================================================================

Reading rules (:func:`parse_quantity`)
--------------------------------------
* A number with a unit is converted to the expected (canonical) unit; a dimension mismatch is
  a :class:`UnitError` ``(expected <dimension> [<unit>], got <dimension> [<given unit>])``.
* Annual flows: when the expected unit divides by a time (``Mt/yr``, ``h/yr``, ``1/yr``) and
  the given quantity has the dimension of expected × time (``3.2亿吨``, ``1500 h``, ``7%``),
  it is read as an amount per year.
* Bare numbers are accepted only for pure-number parameters (canonical unit ``""``, e.g. a
  share ``0.07``; ``7%`` is the same). A pure-number unit (``%``, ``台``) is accepted only for
  a pure-number parameter, and a ratio such as ``gce/kWh`` never takes a bare number.

The registry is built on first use and cached, so ``import energysim`` does not import pint.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import math
import os
import re
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from energysim.errors import UnitError

__all__ = [
    "CURRENCY_YEAR",
    "parse_quantity",
    "split_quantity",
    "dimension_of",
    "describe_dimension",
    "convert",
    "conversion_factor",
    "format_quantity",
    "registry",
    "is_pure_number",
]

#: Money in energysim is real yuan of this year (cost parameters, cost outputs; docs/model.md,
#: "Costs"). A value whose currency names another year (``"5800 元2020/kW"``) is an error.
CURRENCY_YEAR = 2024
#: A currency written with its price year: ``元2024``, ``亿元2020``, ``CNY2024``, ``yuan_2024``.
_CURRENCY_YEAR_RE = re.compile(r"(元|CNY|yuan)_?((?:19|20)\d\d)(?!\d)")

#: Definitions added to pint's defaults, in pint's definition syntax (see the module docstring).
DEFINITIONS = """
万- = 1e4
亿- = 1e8
万亿- = 1e12
CNY = [currency] = 元 = yuan
bnCNY = 1e9 * CNY
tce = 29.3076 * gigajoule = 吨标准煤
gce = 1e-6 * tce
瓦 = watt
千瓦 = kilowatt
兆瓦 = megawatt
吉瓦 = gigawatt
千瓦时 = kilowatt_hour = 度
兆瓦时 = megawatt_hour
kilotonne = 1000 * metric_ton = kt
吨 = metric_ton
千克 = kilogram = 公斤
克 = gram
斤 = 0.5 * kilogram
立方米 = meter ** 3 = 方
m3 = meter ** 3
Nm3 = meter ** 3
升 = liter
亩 = 10000 / 15 * meter ** 2
公顷 = hectare
年 = year
小时 = hour
台 = 1
辆 = 1
座 = 1
个 = 1
套 = 1
户 = 1
人 = 1
vehicle = 1
station = 1
"""

#: Units that only scale a pure number; they are interchangeable with bare numbers.
PURE_NUMBER_UNITS = frozenset(
    {
        "percent",
        "permille",
        "ppm",
        "ppb",
        "dimensionless",
        "台",
        "辆",
        "座",
        "个",
        "套",
        "户",
        "人",
        "vehicle",
        "station",
    }
)

_NUMBER = re.compile(
    r"""^\s*(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*(?P<unit>.*?)\s*$""",
    re.VERBOSE,
)

#: Friendly names for common dimensions (name, example unit), used in error messages.
_DIMENSION_EXAMPLES = (
    ("dimensionless", ""),
    ("mass", "t"),
    ("power", "W"),
    ("energy", "J"),
    ("currency", "CNY"),
    ("volume", "m**3"),
    ("area", "m**2"),
    ("time", "s"),
    ("per time", "1/s"),
    ("length", "m"),
    ("speed", "m/s"),
    ("energy per mass", "J/kg"),
    ("energy per volume", "J/m**3"),
    ("energy per length", "J/m"),
    ("currency per mass", "CNY/kg"),
    ("currency per energy", "CNY/J"),
    ("currency per power", "CNY/W"),
    ("volume per mass", "m**3/kg"),
    ("mass per volume", "kg/m**3"),
    ("mass per energy", "kg/J"),
    ("mass per length", "kg/m"),
    ("volume per energy", "m**3/J"),
    ("time per mass", "s/kg"),
)


@functools.cache
def _dimension_names() -> dict:
    ureg = registry()
    return {ureg.get_dimensionality(unit): name for name, unit in _DIMENSION_EXAMPLES}


@functools.cache
def registry():
    """The energysim pint ``UnitRegistry`` (built once, on first use).

    pint's definition cache (``cache_folder=":auto:"``) is used when the user cache directory
    is writable, which cuts the build from ~150 ms to ~20 ms. While pint is imported, ``dask``
    is hidden so that pint does not import it (~100 ms) just to support dask arrays of
    quantities, which energysim never creates; an already-imported dask is left alone.

    Returns
    -------
    pint.UnitRegistry
    """
    pint = _import_pint()
    try:
        ureg = pint.UnitRegistry(cache_folder=":auto:", on_redefinition="ignore")
    except Exception:  # pragma: no cover - unwritable cache directory
        ureg = pint.UnitRegistry(on_redefinition="ignore")
    for line in DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def _import_pint():
    if sys.modules.get("pint") is not None:
        return sys.modules["pint"]
    if "pint" in sys.modules:  # hidden from xarray by ``energysim run``: units need the real one
        del sys.modules["pint"]
    hide_dask = "dask" not in sys.modules
    if hide_dask:
        sys.modules["dask"] = None  # type: ignore[assignment]  # makes `import dask` fail fast
    try:
        import pint  # lazy: pint (~0.25 s) loads only for a unit the memo does not know
    finally:
        if hide_dask and sys.modules.get("dask", 0) is None:
            del sys.modules["dask"]
    return pint


def _where(file: str | None, line: int | None, key: str | None) -> dict[str, Any]:
    return {"file": file, "line": line, "key": key}


@functools.lru_cache(maxsize=4096)
def _scaled(unit: str) -> tuple[float, Any]:
    """Parse a unit expression (cached) into ``(scale, pint Unit)``; raise pint's error.

    Most expressions are plain units (scale 1); ``"tce/(1e4 CNY)"`` is ``(1e-4, tce/CNY)``.
    """
    ureg = registry()
    text = cjk_prefixed_symbols(unit.strip())
    if text in ("", "1", "dimensionless"):
        return 1.0, ureg.dimensionless
    try:
        return 1.0, ureg.parse_units(text)
    except Exception:
        q = ureg.parse_expression(text)
        if not hasattr(q, "units"):
            return float(q), ureg.dimensionless
        return float(q.magnitude), q.units


_CJK_PREFIX = {"万亿": "1e12", "万": "1e4", "亿": "1e8"}


def cjk_prefixed_symbols(unit: str) -> str:
    """``万kW`` → ``1e4 kW``, ``亿kWh`` → ``1e8 kWh``: 万/亿 before a symbol that already has
    an SI prefix (pint allows one prefix per unit), as Chinese planning documents write them.

    Only a 万/亿/万亿 directly before an ASCII letter is rewritten; ``万千瓦`` and ``亿吨`` are
    pint units with one prefix and stay as they are.
    """
    return re.sub(r"(万亿|万|亿)\s*(?=[A-Za-z])", lambda m: _CJK_PREFIX[m.group(1)] + " ", unit)


def _units(unit: str):
    """The pint Unit of an expression (its scale, if any, dropped)."""
    return _scaled(unit)[1]


def _parse_units(unit: str, *, file=None, line=None, key=None, what: str = "unit"):
    try:
        return _units(unit)
    except Exception:  # pint raises several error types (UndefinedUnitError, syntax)
        raise UnitError(
            f"unknown {what} {unit!r} (expected a unit such as 万千瓦, 万kW, GW, 亿吨, Mt/yr, "
            f"亿元 or %, got {unit!r})",
            **_where(file, line, key),
        ) from None


def is_pure_number(unit: str) -> bool:
    """Whether ``unit`` only scales a pure number (``""``, ``%``, ``台`` …).

    Parameters
    ----------
    unit : str
        A pint unit expression.
    """
    units = _parse_units(unit)
    return all(_base_name(name) in PURE_NUMBER_UNITS for name in units._units)


def _base_name(name: str) -> str:
    """``'万辆'`` → ``'辆'``; ``'percent'`` → ``'percent'`` (strip one prefix)."""
    if name in PURE_NUMBER_UNITS:
        return name
    ureg = registry()
    for _prefix, unit, _suffix in ureg.parse_unit_name(name):
        if unit in PURE_NUMBER_UNITS or ureg.get_name(unit) in PURE_NUMBER_UNITS:
            return unit if unit in PURE_NUMBER_UNITS else ureg.get_name(unit)
    return name


def dimension_of(unit: str) -> str:
    """The pint dimensionality of a unit as text.

    Parameters
    ----------
    unit : str
        A pint unit expression, e.g. ``"Mt/yr"``; ``""`` is dimensionless.

    Returns
    -------
    str
        E.g. ``"[mass] / [time]"``, ``"dimensionless"``.
    """
    return _dimension_text(_parse_units(unit))


def _dimension_text(units) -> str:
    dim = units.dimensionality
    return "dimensionless" if not dim else str(dim)


def describe_dimension(unit: str) -> str:
    """A reader-friendly dimension name with pint's text as fallback.

    >>> describe_dimension("万千瓦")
    'power'
    """
    return _friendly(_parse_units(unit))


@functools.lru_cache(maxsize=4096)
def _factor(from_unit: str, to_unit: str) -> float:
    ureg = registry()
    (a, src), (b, dst) = _scaled(from_unit), _scaled(to_unit)
    if src == dst:
        return 1.0 if a == b else a / b
    return float(ureg.Quantity(a, src).to(dst).magnitude) / b


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplicative factor taking values in ``from_unit`` to ``to_unit``.

    Raises
    ------
    UnitError
        When the units are unknown or of different dimensions.
    """
    src = _parse_units(from_unit)
    dst = _parse_units(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            f"cannot convert {from_unit!r} to {to_unit!r} "
            f"(expected {_friendly(dst)} [{to_unit}], got {_friendly(src)} [{from_unit}])"
        )
    return _factor(from_unit, to_unit)


def convert(value, from_unit: str, to_unit: str):
    """Convert ``value`` (float or ndarray) from ``from_unit`` to ``to_unit``.

    >>> convert(470.5, "万千瓦", "GW")
    4.705
    """
    return value * conversion_factor(from_unit, to_unit)


def _friendly(units) -> str:
    """``"power"``, ``"energy per time"`` (for ``TWh/yr``), ``"dimensionless (ratio)"`` …"""
    if _per_time(units):
        per = _friendly_dim(units * registry().year)
        return "per time" if per == "dimensionless" else f"{per} per time"
    name = _friendly_dim(units)
    if name == "dimensionless" and not _all_pure(units):
        return "dimensionless (ratio)"
    return name


def _friendly_dim(units) -> str:
    name = _dimension_names().get(units.dimensionality)
    return name if name is not None else _dimension_text(units)


def split_quantity(text: str) -> tuple[float, str] | None:
    """Split ``"470.5万千瓦"`` into ``(470.5, "万千瓦")``; ``None`` when there is no number.

    Thousands separators are accepted (``"1,300亿元"``).
    """
    m = _NUMBER.match(text)
    if m is None:
        return None
    num = m.group("num")
    if not num or not any(c.isdigit() for c in num):
        return None
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    return value, m.group("unit")


def _per_time(units) -> bool:
    """Whether a unit expression divides by a time unit (``Mt/yr``, ``h/yr``)."""
    ureg = registry()
    for name, exponent in units._units.items():
        if exponent < 0 and ureg.get_dimensionality(name) == ureg.get_dimensionality("year"):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# a persistent memo of successful readings: reading a scenario without importing pint
# ---------------------------------------------------------------------------------------------
#: ``(unit text, expected unit) → factor``: :func:`parse_quantity` returns ``number · factor``
#: for a number written with that unit; ``_MEMO_ERR`` keeps the message of a value that could
#: not be read (``(type, text, expected unit) → message``, e.g. a target's "5.3%" checked against
#: ``""``), raised again with the caller's file, line and key. The memo is kept in the user cache
#: directory
#: (``$ENERGYSIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/energysim`` or ``~/.cache/energysim``),
#: keyed by the unit definitions, this module's file and pint's, so that ``energysim validate``
#: and ``energysim run`` usually read a scenario without importing pint (~0.15 s of start-up).
#: ``ENERGYSIM_UNIT_CACHE=0`` turns the file off (the in-process memo stays).
_MEMO: dict[tuple[str, str], float] = {}
_MEMO_ERR: dict[tuple[str, str, str], str] = {}
_MEMO_STATE = {"loaded": False, "dirty": False}


def _memo_file():
    """Path of the memo file, or None when the file cache is off or no cache dir is known."""
    if os.environ.get("ENERGYSIM_UNIT_CACHE", "1") == "0":
        return None
    base = os.environ.get("ENERGYSIM_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
        home = os.path.expanduser("~")
        if not xdg and home == "~":
            return None
        base = os.path.join(xdg or os.path.join(home, ".cache"), "energysim")

    h = hashlib.sha256(DEFINITIONS.encode())
    try:
        spec = find_spec("pint")
        for origin in (__file__, spec.origin if spec else None):
            if origin:
                st = os.stat(origin)
                h.update(f"{origin}:{st.st_size}:{st.st_mtime_ns}".encode())
    except (OSError, ValueError, ImportError):
        return None
    return Path(base) / f"units-{h.hexdigest()[:16]}.json"


def _memo_read(path: Any, ok: dict, err: dict) -> None:
    """Add the rows of the memo file at ``path`` (a Path) to ``ok`` and ``err`` (rows already
    there win); a missing or unreadable file adds nothing."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        for unit, expected, factor in data["ok"]:
            ok.setdefault((str(unit), str(expected)), float(factor))
        for kind, text, expected, message in data["err"]:
            err.setdefault((str(kind), str(text), str(expected)), str(message))
    except (OSError, ValueError, TypeError, KeyError):
        pass  # no memo yet, or an unreadable one: pint answers and a new file is written


def _memo_load() -> None:
    _MEMO_STATE["loaded"] = True
    path = _memo_file()
    if path is not None:
        _memo_read(path, _MEMO, _MEMO_ERR)


def _memo_save() -> None:
    """Write the memo (merged with the file's current rows), atomically; errors are ignored."""
    if not _MEMO_STATE["dirty"]:
        return
    path = _memo_file()
    if path is None:
        return

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, err = dict(_MEMO), dict(_MEMO_ERR)
        _memo_read(path, ok, err)  # merged with rows other processes wrote meanwhile
        data = {
            "ok": [[u, e, f] for (u, e), f in sorted(ok.items())],
            "err": [[*k, m] for k, m in sorted(err.items())],
        }
        fd, tmp = tempfile.mkstemp(prefix=".units-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
        _MEMO_STATE["dirty"] = False
    except OSError:
        pass


def _memo_put(unit_text: str, expected_unit: str, factor: float) -> float:
    if (unit_text, expected_unit) not in _MEMO:
        _MEMO[unit_text, expected_unit] = factor
        _memo_dirty()
    return factor


def _memo_dirty() -> None:
    if not _MEMO_STATE["dirty"]:
        _MEMO_STATE["dirty"] = True
        atexit.register(_memo_save)


def _error_key(value: Any, expected_unit: str) -> tuple[str, str, str] | None:
    """Memo key of a value that failed to read (plain numbers and strings only)."""
    if isinstance(value, (bool, int, float, str)):
        return type(value).__name__, repr(value), expected_unit
    return None


def _split_value(value: Any) -> tuple[float, str] | None:
    """``(number, unit text)`` of a scenario value as :func:`parse_quantity` reads it, or None
    when it is not a finite number with an optional unit (the full reading reports why)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number, unit_text = float(value), ""
    elif isinstance(value, str):
        parts = split_quantity(value)
        if parts is None:
            return None
        number, unit_text = parts
        unit_text = unit_text.replace("％", "%")  # full-width percent sign
        if unit_text.startswith("/"):  # "300 /yr" means 300 per year
            unit_text = f"1 {unit_text}"
    else:
        return None
    return (number, unit_text) if math.isfinite(number) else None


#: Longest unit text accepted in a scenario value [characters].
MAX_UNIT_CHARS = 40
#: Most names and operators in one unit text.
MAX_UNIT_TOKENS = 16
#: Largest absolute exponent in a unit text (``m**3``, ``h**-1``).
MAX_UNIT_EXPONENT = 4

#: One token of the restricted unit grammar: a unit name (letters of any script, optionally
#: followed by digits: ``m3``, ``Nm3``, ``万千瓦``), ``%``/``‰``, an exponent (``**3``, ``^-1``,
#: ``²``, ``³``), an operator (``*``, ``·``, ``/``), a parenthesis, or a lone leading ``1``.
_UNIT_TOKEN = re.compile(
    r"\s*(?:(?P<name>[^\W\d_][^\W_]*|%|‰)"
    r"|(?P<exp>(?:\*\*|\^)\s*-?\d{1,2}|[²³])"
    r"|(?P<op>\*|·|/)"
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<one>1(?=\s*/)))"
)


def check_unit_text(unit_text: str, *, file=None, line=None, key=None) -> None:
    """Refuse unit text outside the restricted grammar, before pint sees it.

    A unit is names joined by ``*``, ``·``, ``/`` or spaces, each optionally raised to a small
    integer power, with at most one level of parentheses: ``万千瓦``, ``Mt/yr``, ``gce/kWh``,
    ``vehicle*yr/Mt``, ``m**3``, ``1 /yr``. Numbers, function calls and nested powers are not
    units (``1 9**9**9 GW`` is refused at once instead of being evaluated), and the text is at
    most :data:`MAX_UNIT_CHARS` characters.

    Raises
    ------
    UnitError
    """
    where = _where(file, line, key)
    shown = unit_text if len(unit_text) <= 20 else unit_text[:17] + "..."

    def refuse(why: str) -> UnitError:
        return UnitError(
            f"invalid unit (expected a unit such as 万千瓦, GW, Mt/yr or %, {why}, got {shown!r})",
            **where,
        )

    if len(unit_text) > MAX_UNIT_CHARS:
        raise refuse(f"at most {MAX_UNIT_CHARS} characters")
    pos, depth, tokens, prev = 0, 0, 0, "start"
    text = unit_text.rstrip()
    while pos < len(text):
        m = _UNIT_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise refuse("names joined by *, / or spaces")
        kind = m.lastgroup
        tokens += 1
        if tokens > MAX_UNIT_TOKENS:
            raise refuse(f"at most {MAX_UNIT_TOKENS} parts")
        if kind == "exp":
            digits = re.sub(r"[^\d-]", "", m.group())
            if prev not in ("name", "close") or (digits and abs(int(digits)) > MAX_UNIT_EXPONENT):
                raise refuse(f"powers only of a unit, at most {MAX_UNIT_EXPONENT}")
        elif kind == "one" and prev != "start":
            raise refuse("no numbers inside a unit")
        elif kind == "open":
            depth += 1
            if depth > 1:
                raise refuse("at most one level of parentheses")
        elif kind == "close":
            depth -= 1
            if depth < 0 or prev in ("op", "open"):
                raise refuse("balanced parentheses")
        elif kind == "op" and prev in ("op", "open"):
            raise refuse("one operator between names")
        prev = kind
        pos = m.end()
    if depth != 0 or prev in ("op", "open"):
        raise refuse("a complete expression")


def parse_quantity(
    value: Any,
    *,
    expected_unit: str,
    key: str | None = None,
    file: str | None = None,
    line: int | None = None,
) -> float:
    """Read a scenario quantity and return it in the expected (canonical) unit.

    Parameters
    ----------
    value : str, int or float
        ``"470.5万千瓦"``, ``"300 Mt/yr"``, ``"7%"``, or a bare number (pure-number parameters
        only).
    expected_unit : str
        The canonical unit of the parameter (pint expression; ``""`` for a pure number).
    key, file, line : optional
        Where the value came from, for the error message.

    Returns
    -------
    float
        The value in ``expected_unit``.

    Raises
    ------
    UnitError
        Unknown unit, wrong dimension, or a bare number where a unit is required.

    Examples
    --------
    >>> parse_quantity("470.5万千瓦", expected_unit="GW")
    4.705
    >>> parse_quantity("3.2亿吨", expected_unit="Mt/yr")  # a yearly amount
    320.0
    """
    x = _parse_quantity_memo(value, expected_unit=expected_unit, key=key, file=file, line=line)
    if not math.isfinite(x):
        raise UnitError(
            f"not a finite number after conversion to {_unit_label(expected_unit)} (expected a "
            f"finite value, got {_show(value)})",
            **_where(file, line, key),
        )
    return x


def _parse_quantity_memo(value, *, expected_unit, key, file, line) -> float:
    """:func:`parse_quantity` without the final finiteness check: the memo, then pint."""
    if not _MEMO_STATE["loaded"]:
        _memo_load()
    if isinstance(value, str) and _CURRENCY_YEAR_RE.search(value):
        value = _strip_currency_year(value, file=file, line=line, key=key)
    parts = _split_value(value)
    if parts is not None:
        factor = _MEMO.get((parts[1], expected_unit))
        if factor is not None:  # read before: the same conversion, without pint
            return parts[0] * factor
    ekey = _error_key(value, expected_unit)
    message = _MEMO_ERR.get(ekey) if ekey is not None else None
    if message is not None:  # failed before: the same message, without pint
        raise UnitError(message, **_where(file, line, key))
    try:
        return _parse_quantity(value, expected_unit=expected_unit, key=key, file=file, line=line)
    except UnitError as exc:
        if ekey is not None and exc.hint is None:
            _MEMO_ERR[ekey] = exc.message
            _memo_dirty()
        raise


def _strip_currency_year(text: str, *, file=None, line=None, key=None) -> str:
    """``"5800 元2024/kW"`` → ``"5800 元/kW"``; a year other than :data:`CURRENCY_YEAR` is a
    :class:`UnitError` (energysim applies no price index: convert before writing the value)."""
    for m in _CURRENCY_YEAR_RE.finditer(text):
        if int(m.group(2)) != CURRENCY_YEAR:
            raise UnitError(
                f"currency year mismatch, convert to {CURRENCY_YEAR} prices first (expected "
                f"yuan of {CURRENCY_YEAR}, written 元 or 元{CURRENCY_YEAR}, got yuan of "
                f"{m.group(2)} in {_show(text)})",
                **_where(file, line, key),
            )
    return _CURRENCY_YEAR_RE.sub(lambda m: m.group(1), text)


def _parse_quantity(value, *, expected_unit, key, file, line) -> float:
    """:func:`parse_quantity` through pint; records successful readings in the memo."""
    where = _where(file, line, key)
    expected = _parse_units(expected_unit, **where, what="expected unit")
    expected_pure = not expected.dimensionality and _all_pure(expected)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UnitError(
            f"not a quantity (expected a number with a unit in {expected_unit or 'a pure number'}"
            f", got {_show(value)})",
            **where,
        )
    if isinstance(value, (int, float)):
        number, unit_text = float(value), ""
    else:
        parts = split_quantity(value)
        if parts is None:
            raise UnitError(
                f"not a quantity (expected a number with a unit in "
                f"{_unit_label(expected_unit)}, got {value!r})",
                **where,
            )
        number, unit_text = parts
        unit_text = unit_text.replace("％", "%")  # full-width percent sign
        if unit_text.startswith("/"):  # "300 /yr" means 300 per year
            unit_text = f"1 {unit_text}"
    if not math.isfinite(number):
        raise UnitError(f"not a finite number (expected a finite value, got {value!r})", **where)
    if unit_text == "":
        if not expected_pure:
            raise UnitError(
                f"number without a unit (expected a quantity in {_unit_label(expected_unit)}, "
                f"got {_show(value)})",
                **where,
            )
        return number * _memo_put("", expected_unit, _factor("", expected_unit))
    check_unit_text(unit_text, **where)
    given = _parse_units(unit_text, **where)
    if not given.dimensionality and not expected.dimensionality:
        given_pure = _all_pure(given)
        if given_pure != expected_pure:
            exp = "a pure number" if expected_pure else f"a ratio in {expected_unit}"
            raise UnitError(f"wrong kind of unit (expected {exp}, got {_show(value)})", **where)
    if given.dimensionality == expected.dimensionality:
        return number * _memo_put(unit_text, expected_unit, _factor(unit_text, expected_unit))
    if _per_time(expected):
        year = registry().year
        if (given / year).dimensionality == expected.dimensionality:
            # an annual amount written without "/yr", e.g. "3.2亿吨" for Mt/yr
            factor = _factor(f"({unit_text}) / year", expected_unit)
            return number * _memo_put(unit_text, expected_unit, factor)
    raise UnitError(
        f"wrong dimension for {_show(value)} "
        f"(expected {_friendly(expected)} [{_unit_label(expected_unit)}], "
        f"got {_friendly(given)} [{unit_text}])",
        **where,
    )


def _all_pure(units) -> bool:
    return all(_base_name(name) in PURE_NUMBER_UNITS for name in units._units)


def _unit_label(unit: str) -> str:
    return unit if unit.strip() not in ("", "1", "dimensionless") else "a pure number"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def format_quantity(value: float, unit: str, *, digits: int = 6) -> str:
    """Format a value with its unit, e.g. ``format_quantity(4.705, "GW") == "4.705 GW"``.

    Parameters
    ----------
    value : float
        The magnitude in ``unit``.
    unit : str
        Unit expression (``""`` prints the bare number).
    digits : int
        Significant digits (``"g"`` format); ``0`` gives ``repr`` (exact round trip).
    """
    text = repr(float(value)) if digits == 0 else f"{float(value):.{digits}g}"
    if text.endswith(".0") and digits == 0:
        text = text[:-2]
    unit = unit.strip()
    return text if unit in ("", "1", "dimensionless") else f"{text} {unit}"
