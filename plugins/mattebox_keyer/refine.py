"""Edge refinement: solve the matting equation ``I = αF + (1−α)B`` at the soft pixels around the solid core.

The colour difference alone over-keys warm colours and under-keys spill. Around the solid core the
foreground colour ``F`` is estimated from the nearby solid pixels (their colours pushed-pulled over
the plate grid), the screen colour ``B`` is the clean plate, and α is the projection of ``I − B``
on ``F − B`` wherever the pixel really lies on that line. Where the blended foreground colour does
not fit (a scarf over a shirt, hair over skin), each nearby solid colour (a k-means of the core's
colours) is tried instead and the best-fitting one is kept. Everything works on point lists: the
soft band is a small share of the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .sampling import sample_bilinear
from .screen import push_pull

__all__ = ["SolidColours", "SolidFill", "refine_band", "solid_colours"]

_FILL_MARGIN = 4  # plate-grid cells filled around the known cells and the band for the foreground colour
_NOISE_FLOOR = 1e-3  # squared linear-light distance off the line tolerated whatever the pixel
_MIN_MISFITS = 64  # fewer misfitting edge pixels than this are not worth a k-means
_REFIT = 0.1  # only edge pixels fitting worse than a tenth of the tolerance try the solid colours
_KMEANS_POINTS = 1500  # solid pixels sampled for the k-means
_K = 14  # solid colours (k-means of the core) tried as the foreground colour of edge pixels
_PRESENCE = 0.02  # share of a solid colour around an edge pixel for it to be tried there
_PRES_DIV = 8  # neighbourhood for that share: an eighth of the frame's width
_PRES_CELLS = 7  # ... counted on cells of about a seventh of it
_BLAS_ROWS = 4096  # rows per matrix product: OpenBLAS keeps products under 2^18 multiply-adds on one thread
_RECLUSTER = 1.25  # core colours farther from the given colours than this many times their spread ...
_NEW_COLOUR = 0.1 * _NOISE_FLOOR  # ... plus this (squared linear light): k-means anew


@dataclass(frozen=True)
class SolidColours:
    """The solid core's typical colours (a k-means in linear light), measured on a key frame."""

    centres: np.ndarray  # float32 (k, 3)
    spread: float  # mean squared distance of the core's colours to their nearest centre


@dataclass(frozen=True)
class SolidFill:
    """The solid core's colours pushed-pulled over a part of the plate grid (working light): the colour of
    the foreground near any point there (the edge colour's fallback, :mod:`.unmix`)."""

    colours: np.ndarray  # float32 (rows, cols, 3)
    row0: int  # the plate-grid cell of colours[0, 0]
    col0: int


def solid_colours(core_px: np.ndarray) -> SolidColours | None:
    """The k-means of the solid core's colours ``core_px`` (n, 3), or ``None`` when too few to cluster."""
    k = min(_K, len(core_px) // 8)
    if k < 2:
        return None
    step = max(1, len(core_px) // _KMEANS_POINTS)
    sample = np.ascontiguousarray(core_px[::step], dtype=np.float32)
    centres, _ = _kmeans(sample, k)
    return SolidColours(centres, float(_nearest(sample, centres)[1].mean()))


def _nearest(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the nearest centre, squared distance to it) for every point."""
    d = _dots(points, centres)
    d *= -2.0
    d += np.einsum("ij,ij->i", centres, centres)[None, :]
    labels = d.argmin(1)
    nearest = d[np.arange(len(points)), labels] + np.einsum("ij,ij->i", points, points)
    return labels, np.maximum(nearest, 0.0)


def refine_band(
    alpha: np.ndarray,
    xs: np.ndarray,
    ys: np.ndarray,
    core_at: np.ndarray,
    lin: np.ndarray,
    lin_small: np.ndarray,
    plate_small: np.ndarray,
    known: np.ndarray,
    *,
    tolerance: float,
    edge_white: float,
    colours: SolidColours | None = None,
) -> tuple[SolidColours | None, SolidFill]:
    """Solve ``I = αF + (1−α)B`` at the band pixels ``(xs, ys)`` of ``alpha`` (in place).

    :param alpha: float32, C-contiguous.
    :param core_at: the solid-core weight (0..1) at those pixels: the core keeps its value.
    :param lin: the frame in linear light at the matte's resolution.
    :param lin_small: the same on the plate grid; ``plate_small`` the clean plate there.
    :param known: float32 0/1 on the plate grid: cells wholly inside the solid core.
    :param tolerance: how closely a pixel must lie on the screen–foreground line (``edge_tolerance``).
    :param edge_white: matte level at which edge pixels go opaque through a knee (1: off).
    :param colours: an earlier frame's solid colours, used while this frame's core is close to
        them (else, or when ``None``, this frame's core is clustered).
    :returns: the solid colours used (``None`` when none were needed) and the solid colour filled in
        around the band.
    """
    h2, w2 = alpha.shape
    hs, ws = plate_small.shape[:2]
    # sample both plates at the band pixels (bilinear, centre-aligned)
    map_x = (xs.astype(np.float32) + 0.5) * (ws / w2) - 0.5
    map_y = (ys.astype(np.float32) + 0.5) * (hs / h2) - 0.5
    fill = _solid_fill(lin_small, known, map_x, map_y)
    fg = sample_bilinear(fill.colours, map_x - fill.col0, map_y - fill.row0)
    bg = sample_bilinear(plate_small, map_x, map_y)
    flat = ys.astype(np.intp) * w2 + xs  # flat indices: gathers a few times cheaper than (y, x) pairs
    v = np.take(lin.reshape(-1, 3), flat, axis=0)
    v -= bg
    dvec = fg - bg
    den = np.einsum("ij,ij->i", dvec, dvec)
    proj = np.einsum("ij,ij->i", v, dvec) / np.maximum(den, 1e-6)
    resid = v - proj[:, None] * dvec
    # where the blended foreground colour does not fit, try each nearby solid colour instead
    vv = np.einsum("ij,ij->i", v, v)
    misfit = np.einsum("ij,ij->i", resid, resid) > _REFIT * (tolerance**2 * vv + _NOISE_FLOOR)
    idx = np.flatnonzero(misfit)
    used = None
    if idx.size >= _MIN_MISFITS:
        p2, r2_, d2, used = _cluster_candidates(
            lin_small, known, colours, map_x[idx], map_y[idx], v[idx], bg[idx], proj[idx], resid[idx], den[idx]
        )
        proj, resid, den = proj.copy(), resid.copy(), den.copy()
        proj[idx], resid[idx], den[idx] = p2, r2_, d2
    # accepted where the pixel lies on the screen–foreground line (within the tolerance, relative
    # to its distance from the screen, plus the noise floor that faint pixels cannot beat)
    scale = tolerance * tolerance * vv + _NOISE_FLOOR
    weight = np.exp(-np.einsum("ij,ij->i", resid, resid) / scale) * (den > 1e-3)
    current = np.take(alpha, flat)
    target = current + weight * (proj - current)
    # near-opaque edge pixels of a textured object (its colour varies about the solid colour
    # found): opaque, through a knee from (white − 0.15) to the edge white level
    if edge_white < 1.0:
        lo = max(0.0, edge_white - 0.15)
        knee = lo + (target - lo) * ((1.0 - lo) / max(edge_white - lo, 1e-6))
        target = np.where(target > lo, np.minimum(np.maximum(knee, target), np.maximum(target, 1.0)), target)
    np.put(alpha, flat, current + (1.0 - core_at) * (target - current))
    return used, fill


def _solid_fill(lin_small: np.ndarray, known: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> SolidFill:
    """The solid colours pushed-pulled over the plate grid, around the points ``(map_x, map_y)``.

    Only the part of the grid holding the known cells and the points (with a margin) is filled:
    everything known lies there, and the rest of the frame is screen.
    """
    hs, ws = known.shape
    rows, cols = np.flatnonzero(known.any(axis=1)), np.flatnonzero(known.any(axis=0))
    r0 = max(0, min(int(rows[0]), int(np.floor(map_y.min()))) - _FILL_MARGIN)
    r1 = min(hs, max(int(rows[-1]), int(np.ceil(map_y.max()))) + 1 + _FILL_MARGIN)
    c0 = max(0, min(int(cols[0]), int(np.floor(map_x.min()))) - _FILL_MARGIN)
    c1 = min(ws, max(int(cols[-1]), int(np.ceil(map_x.max()))) + 1 + _FILL_MARGIN)
    filled = push_pull(np.ascontiguousarray(lin_small[r0:r1, c0:c1]), np.ascontiguousarray(known[r0:r1, c0:c1]))
    return SolidFill(filled, r0, c0)


def _dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T`` for (n, 3) and (k, 3) arrays, in row blocks small enough for BLAS to stay on one thread.

    OpenBLAS spreads larger products over threads that then spin, burning more CPU than the product
    costs (and the frames keyed beside this one need those cores).
    """
    bt = np.ascontiguousarray(b.T)
    out = np.empty((len(a), len(b)), np.result_type(a, b))
    for i in range(0, len(a), _BLAS_ROWS):
        np.dot(a[i : i + _BLAS_ROWS], bt, out=out[i : i + _BLAS_ROWS])
    return out


def _kmeans(points: np.ndarray, k: int, iterations: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic k-means (farthest-point start): (centres k×3, labels)."""
    p2 = np.einsum("ij,ij->i", points, points)
    first = int(np.argmax(np.einsum("ij,ij->i", points - points.mean(0), points - points.mean(0))))
    centres = [first]
    dist = p2 - 2.0 * np.dot(points, points[first]) + p2[first]
    for _ in range(1, k):
        nxt = int(np.argmax(dist))
        centres.append(nxt)
        dist = np.minimum(dist, p2 - 2.0 * np.dot(points, points[nxt]) + p2[nxt])
    c = points[centres].copy()
    labels = np.zeros(len(points), np.int64)
    for _ in range(iterations):
        d = p2[:, None] - 2.0 * _dots(points, c) + np.einsum("ij,ij->i", c, c)[None, :]
        labels = d.argmin(1)
        counts = np.bincount(labels, minlength=k).astype(np.float32)
        sums = np.stack([np.bincount(labels, weights=points[:, ch], minlength=k) for ch in range(3)], axis=1)
        filled = counts > 0
        c[filled] = (sums[filled] / counts[filled, None]).astype(np.float32)
    return c, labels


def _cluster_candidates(lin_small, known, colours, map_x, map_y, v, bg, proj, resid, den):
    """Also try each nearby solid colour (k-means of the core's colours) as F; keep the best-fitting one."""
    hs, ws = known.shape
    solid = known > 0
    core_px = lin_small[solid].astype(np.float32)
    labels = None
    if colours is not None and len(core_px) >= 8:
        labels, dist = _nearest(core_px, colours.centres)
        if float(dist.mean()) > _RECLUSTER * colours.spread + _NEW_COLOUR:  # new colours in the core
            labels = None
    if labels is None:
        colours = solid_colours(core_px)
        if colours is None:
            return proj, resid, den, None
        labels = _nearest(core_px, colours.centres)[0]
    centres = colours.centres
    k = len(centres)
    # each colour's share in the r×r window around every band pixel, counted on a grid of f×f cells
    # (the window is a few dozen pixels wide: cells of a seventh of it change nothing that matters)
    r = max(3, ws // _PRES_DIV) | 1
    f = max(1, r // _PRES_CELLS)
    rc = max(1, round(r / f)) | 1
    ch, cw = -(-hs // f), -(-ws // f)
    yy, xx = np.nonzero(solid)
    cells = ((yy // f) * cw + xx // f) * k + labels
    members = np.bincount(cells, minlength=ch * cw * k).astype(np.uint16).reshape(ch, cw, k)
    counts = cv2.boxFilter(members, cv2.CV_16U, (rc, rc), normalize=False, borderType=cv2.BORDER_CONSTANT)
    gy = np.clip(np.rint(map_y), 0, hs - 1).astype(np.int64) // f
    gx = np.clip(np.rint(map_x), 0, ws - 1).astype(np.int64) // f
    near = np.take(counts.reshape(-1, k), gy * cw + gx, axis=0) > int(_PRESENCE * (rc * f) ** 2)  # (n, k)
    # projection of v = I − B on d = C − B for every centre C, by matrix products (no n×k×3 arrays):
    # v·d = v·C − v·B, |d|² = |C|² − 2 B·C + |B|², residual² = |v|² − (v·d)² / |d|²
    vb = np.einsum("ij,ij->i", v, bg)[:, None]
    vd = _dots(v, centres) - vb
    dd = (
        np.einsum("ij,ij->i", centres, centres)[None, :]
        - 2.0 * _dots(bg, centres)
        + np.einsum("ij,ij->i", bg, bg)[:, None]
    )
    pj = vd / np.maximum(dd, 1e-6)
    r2 = np.einsum("ij,ij->i", v, v)[:, None] - vd * pj
    r2 = np.where(near & (dd > 1e-3) & (pj > 0), r2, np.inf)
    best = r2.argmin(1)
    rows = np.arange(len(best))
    better = r2[rows, best] < np.einsum("ij,ij->i", resid, resid)
    if better.any():
        chosen = centres[best[better]] - bg[better]
        p_best = pj[rows, best][better]
        proj = proj.copy()
        den = den.copy()
        resid = resid.copy()
        proj[better] = p_best
        den[better] = dd[rows, best][better]
        resid[better] = v[better] - p_best[:, None] * chosen
    return proj, resid, den, colours
