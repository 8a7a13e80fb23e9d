"""The year's dispatch over four time slices as one compiled kernel (numba).

:func:`dispatch` returns what :func:`energysim.core.model.electricity.dispatch` returns, equal
bit for bit: the same operations in the same order, with the numpy function's block-wide
branches (any dedicated electrolysis, corridors, a renewable-share rule, storage, flexible
electrolysis) taken as flags for the whole block, as numpy takes them. The samples are the
innermost loop, one fused pass per time slice, so the compiler vectorises it; the kernel holds
no GIL. Equations and units: the numpy function and docs/model.md, "Dispatch".
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["dispatch", "KEYS"]

#: Rows of the kernel's ``(12, 4, m)`` output, in order (the numpy function's names).
KEYS = ("coal", "vre", "solar", "curtailed", "exports", "imports", "charge", "discharge",
        "flex", "load", "dedicated", "below_min")


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _kernel(wp, sp, dd, gd, ls, cmin, cmax, xgr, xco, r, spw, se, sc, rte, fp,
            S, W, LAM, TAU, H, SEAS, TINY, corridor, any_rule, any_storage,
            any_flex, out, totals, served, busbar):  # pragma: no cover - compiled
    m = wp.shape[0]
    n_sl = S.shape[0]
    n = np.empty((n_sl, m))
    u = np.empty((n_sl, m))
    imp = np.empty((n_sl, m))
    cut = np.empty((n_sl, m))
    ex = np.empty((n_sl, m))
    nmin = np.empty((n_sl, m))
    vg = np.empty((n_sl, m))
    frac = np.empty(m)
    any_served = False
    coal, vre, solar, curt = out[0], out[1], out[2], out[3]
    exports, imports, charge, discharge = out[4], out[5], out[6], out[7]
    flex, load, ded, below = out[8], out[9], out[10], out[11]
    for i in range(m):
        vt = wp[i] + sp[i]
        sv = min(dd[i], vt)
        served[i] = sv
        any_served = any_served or sv > 0.0
        busbar[i] = gd[i] + (dd[i] - sv) / (1.0 - ls[i])
        frac[i] = sv / max(vt, TINY)
    for s in range(n_sl):
        Ss, Ws, Ls, Ts = S[s], W[s], LAM[s], TAU[s]
        for i in range(m):
            so = sp[i] * Ss
            v = wp[i] * Ws
            v = v + so
            if any_served:
                d = v * frac[i]
                g = v - d
            else:
                d = 0.0
                g = v
            ld = busbar[i] * Ls
            a = g - ld
            q = max(-a, 0.0)
            a = max(a, 0.0)
            xg = xgr[i] * Ts
            xk = 0.0
            xv = 0.0
            if corridor:
                xk = xco[i] * Ts
                xv = min(a, xk)
                a = a - xv
                xk = xk - xv
                if any_rule:
                    ri = r[i]
                    if ri > 0.0:
                        rho = (1.0 - ri) / ri
                        carry = xv * rho if xv > 0.0 else 0.0
                        xk = min(xk, carry)
            xvg = min(a, xg)
            a = a - xvg
            a = max(a, 0.0)
            room = xg - xvg
            e = xvg
            if corridor:
                room = room + xk
                e = e + xv
            q = q + room
            nm = cmin[i] * Ts
            nn = max(q, nm)
            nn = min(nn, cmax[i] * Ts)
            short = q - nn
            uu = max(-short, 0.0)
            short = max(short, 0.0)
            uu = uu + a
            e = e + room
            c = min(short, room)
            n[s, i] = nn
            u[s, i] = uu
            imp[s, i] = short - c
            cut[s, i] = c
            ex[s, i] = e
            nmin[s, i] = nm
            vre[s, i] = v
            solar[s, i] = so
            vg[s, i] = g
            load[s, i] = ld
            ded[s, i] = d
    if any_storage:
        for k in range(n_sl // 2):
            s0 = 2 * k
            s1 = s0 + 1
            H0, H1, Sk = H[s0], H[s1], SEAS[k]
            for i in range(m):
                p0 = spw[i] * H0
                p1 = spw[i] * H1
                c0 = min(u[s0, i], p0)
                c1 = min(u[s1, i], p1)
                r0 = n[s0, i] - nmin[s0, i]
                r0 = r0 + imp[s0, i]
                r0 = r0 + cut[s0, i]
                r0 = min(r0, p0)
                r1 = n[s1, i] - nmin[s1, i]
                r1 = r1 + imp[s1, i]
                r1 = r1 + cut[s1, i]
                r1 = min(r1, p1)
                cp = c0 + c1
                dr = r0 + r1
                c = min(cp, se[i] * sc[i] * 1e-3 * Sk)
                ef = rte[i]
                lim = dr / ef if ef > 0.0 else 0.0
                c = min(c, lim)
                fc = c / cp if cp > 0.0 else 0.0
                fd = c * ef / dr if dr > 0.0 else 0.0
                fd = min(fd, 1.0)
                charge[s0, i] = c0 * fc
                charge[s1, i] = c1 * fc
                discharge[s0, i] = r0 * fd
                discharge[s1, i] = r1 * fd
        for s in range(n_sl):
            for i in range(m):
                di = discharge[s, i]
                d_imp = min(di, imp[s, i])
                rest = di - d_imp
                d_exp = min(rest, cut[s, i])
                rest = rest - d_exp
                imp[s, i] = imp[s, i] - d_imp
                cut[s, i] = cut[s, i] - d_exp
                n[s, i] = n[s, i] - rest
                u[s, i] = u[s, i] - charge[s, i]
    else:
        charge[:] = 0.0
        discharge[:] = 0.0
    for s in range(n_sl):
        Hs = H[s]
        for i in range(m):
            exports[s, i] = ex[s, i] - cut[s, i]
            imports[s, i] = imp[s, i]
            uu = u[s, i]
            if any_flex:
                fl = min(uu, fp[i] * Hs)
                uu = uu - fl
            else:
                fl = 0.0
            flex[s, i] = fl
            cu = min(uu, vg[s, i])
            bl = uu - cu
            co = n[s, i] - bl
            coal[s, i] = max(co, 0.0)
            below[s, i] = bl
            curt[s, i] = cu
            v = vre[s, i]
            so = solar[s, i]
            if v > 0.0:
                so = so / v
            used = v - cu
            vre[s, i] = used
            solar[s, i] = so * used
    for k in range(out.shape[0]):  # annual totals, as numpy's sum over the slices
        for i in range(m):
            acc = 0.0
            for s in range(n_sl):
                acc += out[k, s, i]
            totals[k, i] = acc


def _row(x, m: int) -> np.ndarray:
    """``x`` as a contiguous float64 row of ``m`` values (broadcast from one if needed)."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape == (m,) and x.flags.c_contiguous:
        return x
    return np.ascontiguousarray(np.broadcast_to(x, (m,)))


def _const(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64).ravel())


def dispatch(m: int, args: tuple, profiles: tuple, tiny: float) -> dict[str, np.ndarray]:
    """Run the kernel on the numpy function's 15 inputs (``args``, each ``(m,)`` or ``(1,)``)
    and its slice constants (``profiles``: solar, wind, load shares, slice and season fractions
    and slice hours); the numpy function's dictionary of results, plus ``totals``: each
    per-slice result summed over the slices, ``(m,)`` (read through
    :func:`energysim.core.model.electricity.annual_total`)."""
    (wp, sp, dd, gd, ls, cmin, cmax, xgr, xco, r, spw, se, sc, rte, fp) = (
        _row(x, m) for x in args)
    S, W, LAM, TAU, H, SEAS = (_const(p) for p in profiles)
    out = np.empty((len(KEYS), S.shape[0], m))
    totals = np.empty((len(KEYS), m))
    served, busbar = np.empty(m), np.empty(m)
    _kernel(wp, sp, dd, gd, ls, cmin, cmax, xgr, xco, r, spw, se, sc, rte, fp,
            S, W, LAM, TAU, H, SEAS, float(tiny),
            bool(np.any(xco > 0.0)),
            bool(np.any(r > 0.0)), bool(np.any(spw > 0.0)), bool(np.any(fp > 0.0)),
            out, totals, served, busbar)
    res = dict(zip(KEYS, out, strict=True))
    res["totals"] = dict(zip(KEYS, totals, strict=True))
    res["dedicated_served"] = served
    res["busbar"] = busbar
    return res

