"""Latency of the what-if page (issue 17), measured in a real browser.

From a slider's keyboard step (the browser's ``input`` and ``change`` events) to the page
drawn again: the deterministic update (budget 200 ms) and the p5–p95 band of the ensemble
(500 samples, budget 1.5 s). Timed by the page itself (``performance.now()`` from the request
to the end of drawing; ``window.whatif.timings``), with headless Chromium from Debian's
packages against ``energysim app`` on this machine. Run::

    pytest benchmarks/bench_app.py --benchmark-only -s

Budgets are reported, not asserted (conftest.py); correctness is: every step must change the
displayed CO2 series' input and produce both updates.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from conftest import record

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "app"))
from browser import AppServer, body_int, chromium, wait_for  # noqa: E402

STEPS = 20


def _load() -> str:
    import os

    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def time_app_session_deterministic(benchmark):
    """Server side of one slider move: child scenario, central run, answers, target lights."""
    from energysim.briefing.app.answers import Session, base_from_source

    session = Session(base_from_source("baseline"), samples=500, seed=1)
    values = iter([{"power.solar.add": 2.0 + 0.05 * i} for i in range(10_000)])
    out = benchmark(lambda: session.deterministic(next(values)))
    assert out["kind"] == "det" and out["targets"]
    med = benchmark.stats.stats.median
    record("app: Session.deterministic (server side of a slider move)", f"{med * 1e3:.0f} ms",
           "part of 200 ms", med <= 0.2, _load())


def time_app_session_ensemble(benchmark):
    """Server side of a slider release: 500-sample ensemble, p5–p95 bands, P(meet)."""
    from energysim.briefing.app.answers import Session, base_from_source

    session = Session(base_from_source("baseline"), samples=500, seed=1)
    values = iter([{"power.solar.add": 2.0 + 0.05 * i} for i in range(10_000)])
    out = benchmark.pedantic(lambda: session.ensemble(next(values)), rounds=10, iterations=1)
    assert out["n_samples"] == 500 and out["bands"]["co2_total"]["p5"]
    med = benchmark.stats.stats.median
    record("app: Session.ensemble, 500 samples (server side of a release)",
           f"{med * 1e3:.0f} ms", "part of 1.5 s", med <= 1.5, _load())


def time_app_slider_latency(benchmark):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    app = AppServer("baseline", "--samples", "500", "--seed", "1")
    driver = chromium(Path(tempfile.mkdtemp()))
    try:
        driver.get(app.url)
        wait_for(lambda: body_int(driver, "data-ens-seq") >= 1, 60, "the page")
        slider = driver.find_element(By.CSS_SELECTOR, '.lever[data-path="power.solar.add"] input')
        driver.execute_script(
            "window.whatif.timings = {det: [], ens: [], detServer: [], detFirst: []}")

        def step(i=[0]):  # noqa: B006 - a counter across rounds
            i[0] += 1
            det, ens = body_int(driver, "data-det-seq"), body_int(driver, "data-ens-seq")
            slider.send_keys(Keys.ARROW_RIGHT if i[0] % 2 else Keys.ARROW_LEFT)
            wait_for(lambda: body_int(driver, "data-det-seq") > det, 30, "deterministic")
            wait_for(lambda: body_int(driver, "data-ens-seq") > ens, 30, "band")

        benchmark.pedantic(step, rounds=STEPS, iterations=1, warmup_rounds=2)
        t = driver.execute_script("return window.whatif.timings")
        n_ens = driver.execute_script("return window.whatif.ens.n_samples")
        assert n_ens == 500 and len(t["det"]) >= STEPS and len(t["ens"]) >= STEPS
    finally:
        driver.quit()
        app.stop()
    det, ens, server = t["det"][-STEPS:], t["ens"][-STEPS:], t["detServer"][-STEPS:]
    first = t["detFirst"][-STEPS:]
    med = statistics.median
    record("app: slider → headline, target lights, CO2 chart drawn",
           f"median {med(first):.0f} ms, max {max(first):.0f} ms (server+transfer median "
           f"{med(server):.0f} ms)", "≤ 200 ms", max(first) <= 200,
           f"{STEPS} steps of power.solar.add, headless Chromium; {_load()}")
    record("app: slider → all six charts drawn", f"median {med(det):.0f} ms, max "
           f"{max(det):.0f} ms", "≤ 200 ms", max(det) <= 200, "the rest one frame later")
    ens_med = med(ens)
    record("app: slider release → 500-sample band drawn",
           f"median {ens_med:.0f} ms, max {max(ens):.0f} ms", "≤ 1.5 s", max(ens) <= 1500,
           "p5–p95 and P(meet), seed 1")
