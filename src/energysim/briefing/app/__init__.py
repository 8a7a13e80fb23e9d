"""The what-if page (`energysim app`): levers as sliders, answers as you slide.

* :mod:`energysim.briefing.app.levers` — catalogue parameters as sliders and slider values back to a
  scenario file (no web dependency);
* :mod:`energysim.briefing.app.answers` — the page's model: a session, its answers from the engine;
* :mod:`energysim.briefing.app.server` — the Starlette app and uvicorn server (imported only by
  ``energysim app``).
"""
