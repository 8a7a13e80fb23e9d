"""Jobs on a dask.distributed cluster: a new LocalCluster or a running scheduler.

:class:`DaskExecutor` submits :func:`~energysim.execution.blocks.run_job` for each job (at
most :data:`~energysim.execution.threads.WINDOW` per worker in flight) and yields the results
as they finish; the driver merges them in block order, so a dask run gives the same numbers,
bit for bit, as a local one. distributed is imported only when a DaskExecutor is made.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence

from energysim.errors import ScenarioError
from energysim.execution.blocks import Job, run_job
from energysim.execution.threads import WINDOW

__all__ = [
    "SCHEDULER_TIMEOUT",
    "DaskExecutor",
    "check_scheduler",
]


#: How long to try reaching a dask scheduler before giving up (``--scheduler``).
SCHEDULER_TIMEOUT = "20s"


class DaskExecutor:
    """Jobs on a dask.distributed cluster: a new LocalCluster or a running scheduler."""

    reports_blocks = False

    def __init__(self, scheduler: str | None = None, n_workers: int = 2, client=None,
                 timeout: str | None = None) -> None:
        # lazy: distributed (~0.4 s) loads only for --dask/--scheduler
        from distributed import Client, LocalCluster

        self.cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout=timeout or SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ScenarioError(
                    f"cannot reach the dask scheduler (expected a running scheduler at "
                    f"{scheduler!r}, got {type(exc).__name__}: {exc})", key="--scheduler"
                ) from None
        else:
            self.cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or n_workers)

    def map(self, jobs: Sequence[Job], on_block=None) -> Iterator[tuple[int, dict]]:
        # lazy: distributed (~0.4 s) loads only for --dask/--scheduler
        from distributed import as_completed

        window = self.workers * WINDOW
        todo = iter(enumerate(jobs))
        index: dict = {}
        ac = as_completed()
        for i, job in todo:
            f = self.client.submit(run_job, job, pure=False)
            index[f] = i
            ac.add(f)
            if len(index) >= window:
                break
        for f in ac:
            i = index.pop(f)
            result = f.result()
            f.release()
            yield i, result
            nxt = next(todo, None)
            if nxt is not None:
                g = self.client.submit(run_job, nxt[1], pure=False)
                index[g] = nxt[0]
                ac.add(g)

    def close(self) -> None:
        if self._own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://(?:[^\s/:\[\]]+|\[[0-9a-fA-F:.]+\])"
                        r"(:\d{1,5})?/?$")


def check_scheduler(address: str | None) -> None:
    """A ``--scheduler`` address is ``tcp://host:port`` (one-line error before anything runs)."""
    if address is None:
        return
    m = _SCHEDULER.match(address)
    port_ok = m is None or m.group(2) is None or 0 < int(m.group(2)[1:]) < 65536
    if m is None or not port_ok:
        raise ScenarioError(f"invalid --scheduler (expected an address such as "
                            f"tcp://host:8786, got {address!r})", key="--scheduler")
