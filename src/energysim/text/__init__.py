"""How names, units and numbers are written for people.

* :mod:`energysim.text.labels` — display names (zh/en) and THE decision of display units
  (万千瓦, 亿吨, % …) for every table, message, workbook and chart;
* :mod:`energysim.text.tables` — text tables that fit the terminal (display width of CJK text,
  padding, wrapping, year blocks);
* :mod:`energysim.text.numbers` — compact numbers and byte sizes.

Below the scenario layer: the loader's bounds messages show values in the report's units.
Imports only :mod:`energysim.errors`, :mod:`energysim.units` and the sector name tables of
:mod:`energysim.core`.
"""
