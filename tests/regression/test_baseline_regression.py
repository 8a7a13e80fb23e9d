"""The baseline's key indicators are pinned: a change to them must be deliberate.

If this fails after an intended change, run ``python tests/regression/regenerate.py`` and
commit the new CSV, saying why the numbers moved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from regenerate import FILE, indicators


def test_baseline_key_indicators_are_unchanged():
    pinned = pd.read_csv(FILE, index_col="key")
    now = indicators()
    years = [c for c in pinned.columns if c.isdigit()]
    assert list(now.index) == list(pinned.index)
    for key in pinned.index:
        got = np.array([now.loc[key, int(y)] for y in years], dtype=float)
        want = pinned.loc[key, years].to_numpy(dtype=float)
        np.testing.assert_allclose(
            got,
            want,
            rtol=1e-5,
            equal_nan=True,
            err_msg=f"{key}: rerun tests/regression/regenerate.py if the change is intended",
        )
