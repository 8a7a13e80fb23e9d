"""The model's core: the parameter contract, the sector models and the year loop.

* :mod:`energysim.core.param` — :class:`Param`, one scenario parameter declared as data (a leaf);
* :mod:`energysim.core.params` — :class:`Params`, the compiled arrays the engine receives;
* :mod:`energysim.core.catalogue` — every sector's ``PARAMS`` collected, keyed by dotted path;
* :mod:`energysim.core.model` — one pure numpy module per sector;
* :mod:`energysim.core.engine` — the year loop over the sector models.

Nothing here knows about files, scenarios, scheduling or xarray (docs/architecture.md).
"""
