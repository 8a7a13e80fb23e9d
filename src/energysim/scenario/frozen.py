"""A read-only, picklable ``dict`` for the containers of resolved scenarios."""

from __future__ import annotations


class FrozenDict(dict):
    """A ``dict`` that refuses changes (and pickles, unlike ``MappingProxyType``)."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("a resolved scenario is immutable")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __hash__(self):  # type: ignore[override]
        return hash(tuple(self.items()))
