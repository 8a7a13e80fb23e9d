"""Historical data: tidy CSV files, read and checked row by row.

A data file (``calibration/data/*.csv``, docs/data.md) is UTF-8 CSV with a header and one row
per recorded number. Required columns: ``indicator``, ``year``, ``value``, ``unit``, ``source``,
``source_text``; optional: ``region``, ``period``, ``note`` (other columns are kept aside).

:func:`read_data` checks every row and raises :class:`~energysim.errors.DataError` with one
line ``file:line: column: what is wrong (expected …, got …)`` for

* a missing required column, a row with the wrong number of fields, an empty indicator,
  source or source text;
* a year that is not an integer, a value that is not a finite number;
* a unit that :mod:`energysim.units` does not know;
* two rows for the same ``(indicator, year)`` (within the same ``region`` and ``period``
  where the file has those columns).

Rows for years after :data:`LAST_DATA_YEAR` are read (they are kept aside to test projections)
but refused for fitting: :meth:`DataFile.series` raises for them unless asked for validation.
Conversion to a result variable's canonical unit happens in :func:`to_unit`, which raises on a
wrong dimension.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path

from energysim.errors import DataError, UnitError, display_path
from energysim.units import describe_dimension, parse_quantity

__all__ = [
    "LAST_DATA_YEAR",
    "REQUIRED_COLUMNS",
    "Record",
    "DataFile",
    "read_data",
    "to_unit",
]

#: Last year whose data may be fitted; later years are kept aside to test projections.
LAST_DATA_YEAR = 2022
#: Columns every data file must have.
REQUIRED_COLUMNS = ("indicator", "year", "value", "unit", "source", "source_text")
#: Optional columns that are read when present.
OPTIONAL_COLUMNS = ("region", "period", "note")
#: ``period`` of a value for a whole calendar year (a file without the column has only these).
ANNUAL = "annual"


@dataclass(frozen=True)
class Record:
    """One recorded number.

    Attributes
    ----------
    indicator : str
    year : int
    value : float
        As the source writes it, in :attr:`unit`.
    unit : str
        A unit :mod:`energysim.units` understands (``亿元``, ``万千瓦``, ``%`` …).
    source, source_text : str
        Publisher/title/address, and the exact sentence or table cell.
    region, period, note : str
        ``""``/``"annual"``/``""`` when the file has no such column.
    file : str
        The file as named in messages.
    line : int
        1-based line of the row.
    """

    indicator: str
    year: int
    value: float
    unit: str
    source: str
    source_text: str
    region: str
    period: str
    note: str
    file: str
    line: int


@dataclass(frozen=True)
class DataFile:
    """A checked data file.

    Attributes
    ----------
    path : Path
    file : str
        Display name used in messages.
    records : tuple of Record
        In file order.
    sha256 : str
        Hash of the file's bytes (recorded in the calibrated parameter file).
    has_region, has_period : bool
        Whether the file has these columns.
    """

    path: Path
    file: str
    records: tuple[Record, ...]
    sha256: str
    has_region: bool
    has_period: bool

    def series(
        self,
        indicator: str,
        *,
        region: str | None = None,
        period: str = ANNUAL,
        years=None,
        allow_late: bool = False,
    ) -> list[Record]:
        """The rows of one indicator, sorted by year.

        Parameters
        ----------
        indicator : str
        region : str, optional
            Only rows of this region (ignored when the file has no ``region`` column).
        period : str
            Only rows of this period (default ``"annual"``).
        years : sequence of int, optional
            Years that must be present (a missing one is an error); other years are kept.
        allow_late : bool
            Accept years after :data:`LAST_DATA_YEAR` (for validation, never for fitting).

        Returns
        -------
        list of Record

        Raises
        ------
        DataError
            No such indicator, a required year missing, or a year after
            :data:`LAST_DATA_YEAR` when ``allow_late`` is false.
        """
        rows = [
            r
            for r in self.records
            if r.indicator == indicator
            and (region is None or not self.has_region or r.region == region)
            and r.period == period
        ]
        if not rows:
            known = sorted({r.indicator for r in self.records})
            import difflib  # lazy: only on the error path (a did-you-mean hint)

            close = difflib.get_close_matches(indicator, known, n=1)
            what = f"indicator {indicator!r}"
            if region is not None and self.has_region:
                what += f" in region {region!r}"
            raise DataError(
                f"no rows for {what} with period {period!r} (expected one of "
                f"{', '.join(known[:12])}{' …' if len(known) > 12 else ''}, got none)",
                file=self.file,
                line=1,
                key="indicator",
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
        rows.sort(key=lambda r: r.year)
        if years is not None:
            have = {r.year for r in rows}
            missing = [int(y) for y in years if int(y) not in have]
            if missing:
                raise DataError(
                    f"missing year{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(map(str, missing))} for {indicator!r} (expected rows for "
                    f"{', '.join(str(int(y)) for y in years)}, got "
                    f"{', '.join(str(r.year) for r in rows)})",
                    file=self.file,
                    line=rows[-1].line,
                    key="year",
                )
        if not allow_late:
            for r in rows:
                if r.year > LAST_DATA_YEAR:
                    raise DataError(
                        f"year after {LAST_DATA_YEAR} is kept aside for validation (expected "
                        f"≤ {LAST_DATA_YEAR} for fitting, got {r.year})",
                        file=self.file,
                        line=r.line,
                        key="year",
                        hint="give the observation role: validate to compare it with the "
                        "projection",
                    )
        return rows




def read_data(path: str | os.PathLike, *, display: str | None = None) -> DataFile:
    """Read and check one data file.

    Parameters
    ----------
    path : str or PathLike
        The CSV file.
    display : str, optional
        How the file is named in messages (default: the path relative to the current
        directory).

    Returns
    -------
    DataFile

    Raises
    ------
    DataError
        One line ``file:line: column: what is wrong (expected …, got …)``.
    """
    path = Path(path)
    file = display if display is not None else display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            f"file not found (expected an existing data file, got {str(path)!r})", file=file
        ) from None
    except IsADirectoryError:
        raise DataError(
            f"is a directory (expected a CSV data file, got {str(path)!r})", file=file
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 (expected UTF-8 text, got byte 0x{raw[exc.start]:02x})",
            file=file,
            line=line,
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(
            f"empty file (expected a header with {', '.join(REQUIRED_COLUMNS)}, got nothing)",
            file=file,
            line=1,
            key="header",
        ) from None
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} (expected "
            f"{', '.join(REQUIRED_COLUMNS)}, got {', '.join(header) or 'none'})",
            file=file,
            line=1,
            key="header",
        )
    col = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
           if name in header}
    records: list[Record] = []
    seen: dict[tuple, int] = {}
    last = reader.line_num
    for fields in reader:
        line, last = last + 1, reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue  # blank line
        if len(fields) != len(header):
            raise DataError(
                f"wrong number of fields (expected {len(header)} as in the header, got "
                f"{len(fields)})",
                file=file,
                line=line,
                key="row",
            )
        rec = _record(fields, col, file, line)
        key = (rec.indicator, rec.year, rec.region, rec.period)
        if key in seen:
            raise DataError(
                f"duplicate row for ({rec.indicator}, {rec.year}) (expected one row per "
                f"indicator and year, got a second one; the first is on line {seen[key]})",
                file=file,
                line=line,
                key="year",
            )
        seen[key] = line
        records.append(rec)
    return DataFile(
        path=path,
        file=file,
        records=tuple(records),
        sha256=hashlib.sha256(raw).hexdigest(),
        has_region="region" in col,
        has_period="period" in col,
    )


def _record(fields: list[str], col: dict[str, int], file: str, line: int) -> Record:
    def get(name: str, default: str = "") -> str:
        i = col.get(name)
        return fields[i].strip() if i is not None else default

    def fail(key: str, message: str) -> DataError:
        return DataError(message, file=file, line=line, key=key)

    indicator = get("indicator")
    if not indicator:
        raise fail("indicator", "empty indicator (expected a snake_case name, got '')")
    year_text = get("year")
    try:
        year = int(year_text)
    except ValueError:
        raise fail("year", f"not a year (expected an integer year, got {year_text!r})") from None
    value_text = get("value")
    try:
        value = float(value_text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise fail(
            "value",
            f"not a number (expected a finite number as the source writes it, got "
            f"{value_text!r})",
        )
    unit = get("unit")
    _check_unit(unit, file, line)
    for name, what in (("source", "publisher, title, date and address"),
                       ("source_text", "exact sentence or table cell")):
        if not get(name):
            raise fail(name, f"empty {name} (expected the {what}, got '')")
    return Record(
        indicator=indicator,
        year=year,
        value=value,
        unit=unit,
        source=get("source"),
        source_text=get("source_text"),
        region=get("region"),
        period=get("period", ANNUAL) or ANNUAL,
        note=get("note"),
        file=file,
        line=line,
    )


def _check_unit(unit: str, file: str, line: int) -> None:
    if not unit:
        raise DataError(
            "empty unit (expected a unit such as 亿元, 万千瓦, 亿吨 or %, got '')",
            file=file,
            line=line,
            key="unit",
        )
    try:
        describe_dimension(unit)
    except UnitError as exc:
        raise DataError(exc.message, file=file, line=line, key="unit") from None


def to_unit(record: Record, unit: str, *, variable: str = "") -> float:
    """A record's value in ``unit`` (a result variable's canonical unit).

    Annual amounts written without ``/yr`` (``3.2亿吨`` for ``Mt/yr``) are read per year, as
    in scenario files.

    Raises
    ------
    DataError
        When the record's unit has another dimension (``file:line: unit: …``).
    """
    try:
        factor = parse_quantity(f"1 {record.unit}", expected_unit=unit)
    except UnitError:
        what = f" for {variable}" if variable else ""
        shown = unit if unit.strip() not in ("", "1") else "a pure number"
        raise DataError(
            f"wrong unit{what} (expected {describe_dimension(unit)} [{shown}], got "
            f"{describe_dimension(record.unit)} [{record.unit}])",
            file=record.file,
            line=record.line,
            key="unit",
        ) from None
    return record.value * factor
