"""Electricity balance of the banner: local demand, grid losses and net export.

Equations (docs/model.md, section "Electricity balance"):

* final consumption ``F = mining + chemicals + electrolysis + trucks + other industry +
  buildings + storage losses`` [TWh/yr];
* grid losses ``L = F · s / (1 − s)`` with ``s = power.grid_loss_share`` (线损率: losses over
  energy delivered into the grid, ``L / (F + L) = s``);
* plant own use ``O`` (from :mod:`energysim.model.power`);
* local demand ``D = F + O`` and the balance
  ``generation = D + L + net_export``: ``net_export = generation − D − L`` (negative = import).

Parameters read here live in :mod:`energysim.model.power` (``power.grid_loss_share``); this
module declares none of its own.
"""

from __future__ import annotations

from energysim.catalogue import Param
from energysim.model import Output

PARAMS: list[Param] = []

#: Final consumers of electricity, in the order of the balance (output name suffix, en, zh).
CONSUMERS = (
    ("mining", "coal mining and washing", "煤炭采选"),
    ("chemicals", "coal chemicals", "煤化工"),
    ("electrolysis", "electrolysis (green hydrogen)", "电解水制氢"),
    ("transport", "electric trucks", "电动卡车"),
    ("other_industry", "other industry", "其他工业"),
    ("buildings", "buildings", "建筑"),
    ("storage_losses", "battery losses", "储能损耗"),
)

OUTPUTS: list[Output] = [
    Output(
        "electricity_consumption",
        "TWh/yr",
        "Final electricity consumption",
        "终端用电量",
        sector="electricity",
    ),
    Output(
        "electricity_demand",
        "TWh/yr",
        "Local electricity demand incl. plant own use",
        "本地用电量(含厂用电)",
        sector="electricity",
    ),
    Output("grid_losses", "TWh/yr", "Grid losses", "线损电量", sector="electricity"),
    Output(
        "net_export",
        "TWh/yr",
        "Net electricity export to the grid (negative: import)",
        "净外送电量(负值为受入)",
        sector="electricity",
    ),
]


def grid_losses(consumption, loss_share):
    """Grid losses of the local grid.

    Parameters
    ----------
    consumption : ndarray
        Final consumption [TWh/yr].
    loss_share : ndarray, broadcastable
        Line-loss rate, losses / (consumption + losses) [fraction, < 1].

    Returns
    -------
    ndarray
        [TWh/yr].
    """
    return consumption * (loss_share / (1.0 - loss_share))


def net_export(generation, demand, losses):
    """Net export to the grid that closes the electricity balance.

    Parameters
    ----------
    generation : ndarray
        Gross generation [TWh/yr].
    demand : ndarray
        Local demand incl. own use [TWh/yr].
    losses : ndarray
        Grid losses [TWh/yr].

    Returns
    -------
    ndarray
        ``generation − demand − losses`` [TWh/yr]; negative means import.
    """
    return generation - demand - losses
