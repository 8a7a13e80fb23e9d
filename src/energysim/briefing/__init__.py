"""Presentation for decision makers: charts, the brief, the ``ds.es`` accessor and the app.

* :mod:`~energysim.briefing.plots` — one function per chart, labelled from the variables'
  ``long_name``/``units`` in the report's units;
* :mod:`~energysim.briefing.layout` — page layout of the brief (text tables in inches, blocks);
* :mod:`~energysim.briefing.report` — the 1–4 page brief (PDF, PNG, HTML);
* :mod:`~energysim.briefing.money_pages` — the brief's money page and the money charts;
* :mod:`~energysim.briefing.accessor` — ``ds.es.summary()``, ``ds.es.plot.capacity_mix()`` …;
* :mod:`~energysim.briefing.app` — the what-if page (levers as sliders).

Imports the analysis and everything below it, never the command line; matplotlib, Starlette
and uvicorn are imported inside the functions that need them (docs/architecture.md).
"""
