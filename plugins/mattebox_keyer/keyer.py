"""The green/blue-screen keying algorithm, on numpy arrays (no PyAV): Y'CbCr planes in, matte out.

Per frame, at chroma resolution (where 4:2:0 colour lives):

1. Y'CbCr → R'G'B' with the clip's own matrix, then → linear light through a lookup table
   (light mixes linearly: a hair over a screen is a linear blend of the two).
2. Colour difference ``d`` (the screen channel minus the others); the screen's own ``d`` per pixel
   comes from a clean plate estimated at an eighth of the size (:mod:`.screen`), so uneven lighting
   does not leak into the matte; ``α = 1 − d / d_screen``.
3. Solid regions (thicker than the core size, above the core threshold) are clipped to opaque:
   greenish clothing stays solid while thin or soft structures keep their values.
4. In the soft band around them, the foreground colour is estimated from the nearby solid pixels
   and the matting equation ``I = αF + (1−α)B`` is solved by projection where the pixel really is
   such a mix (the colour difference alone over-keys warm colours and under-keys spill).
5. Clip black from the screen's measured noise, then :mod:`.upsample` restores full-resolution
   detail from the luma plane; despill works on the chroma planes (:mod:`.foreground`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import cv2
import numpy as np
from mattebox.matte.refine import choke, feather
from mattebox.media.color import ColorInfo, ycbcr_to_rgb_matrix

from .foreground import despilled_rgb
from .regions import object_boxes
from .sampling import sample_bilinear
from .screen import detect_screen, push_pull, screen_difference, screen_plate
from .settings import KeyerSettings
from .upsample import upsample_matte

__all__ = ["HalfMatte", "Keyer", "srgb_to_linear_lut"]

log = logging.getLogger(__name__)


def _srgb_to_linear(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def srgb_to_linear_lut() -> np.ndarray:
    """256-entry float32 table: sRGB code value → linear light."""
    return _srgb_to_linear(np.arange(256, dtype=np.float64) / 255.0).astype(np.float32)


_LUT_LINEAR = srgb_to_linear_lut()
_LUT_ENCODED = (np.arange(256, dtype=np.float32) / 255.0).astype(np.float32)
_MIN_CLIP_BLACK = 0.03  # below this, the codec's own ringing shows as a haze over the screen
_NOISE_K = 3.0  # clip black at this many standard deviations of the screen's matte noise
_NOISE_ROWS = 90  # rows of the sample grid for the screen's noise (thousands of screen samples)
_NOISE_FLOOR = 1e-3  # squared linear-light distance off the line tolerated whatever the pixel
_MIN_MISFITS = 64  # fewer misfitting edge pixels than this are not worth a k-means
_REFIT = 0.1  # only edge pixels fitting worse than a tenth of the tolerance try the solid colours
_KMEANS_POINTS = 1500  # solid pixels sampled for the k-means
_K = 14  # solid colours (k-means of the core) tried as the foreground colour of edge pixels
_PRESENCE = 0.02  # share of a solid colour around an edge pixel for it to be tried there
_HYST_LOW = 0.5  # clip black, as a share of the full one, next to clearly foreground pixels
_HYST_STRONG = 2.0  # 'clearly foreground': above this many times the clip black
_PRES_DIV = 8  # neighbourhood for that share: an eighth of the frame's width
_HOLE_LEVEL = 0.2  # matte level above which a hole enclosed by solid foreground is foreground, not screen
_KNOWN = 0.99  # share of a plate pixel that must be solid core to lend its colour to the edges
_SHRINK_FROM = 270  # chroma rows from which the core keeps one pixel off the solid outline
_HUE_TOLERANCE = 0.15  # chromaticity distance (L1) from a given screen colour still counted as screen


@dataclass
class HalfMatte:
    """The matte of one frame at chroma resolution, with what finishing it needs."""

    alpha: np.ndarray  # float32 (h, w) 0..1
    luma_half: np.ndarray  # uint8 (h, w)
    rgb_half: np.ndarray  # uint8 (h, w, 3) R'G'B' at chroma resolution
    screen: str


@dataclass
class _ClipState:
    screen: str | None = None
    reference: np.ndarray | None = None  # linear RGB of the screen
    noise: float | None = None
    first_noise: float | None = None  # the first frame's, for frames that show too little screen


class Keyer:
    """Keys the frames of one clip; the first frame fixes the screen, then frames key independently
    (thread-safe: a processor may key several at once).

    :param settings: the parameters (defaults key a usual green or blue screen without tuning).
    """

    def __init__(self, settings: KeyerSettings | None = None) -> None:
        self.settings = settings or KeyerSettings()
        self._state = _ClipState()
        self._lock = threading.Lock()
        s = self.settings
        if s.screen_color != "auto":
            rgb = np.asarray(s.screen_color, np.float64) / 255.0
            lin = _srgb_to_linear(rgb) if s.linear else rgb
            self._state.reference = lin.astype(np.float32)

    @property
    def screen(self) -> str | None:
        """``green`` or ``blue`` once known (given, or detected on the first frame)."""
        return self._state.screen

    @property
    def noise(self) -> float | None:
        """The screen's matte noise (standard deviation) measured on the latest frame."""
        return self._state.noise

    # -- step 1: linear light at chroma resolution ------------------------------------------------
    def _linear(
        self, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h2, w2 = cb.shape
        luma_half = y if y.shape == (h2, w2) else cv2.resize(y, (w2, h2), interpolation=cv2.INTER_AREA)
        rgb = cv2.transform(cv2.merge([luma_half, cb, cr]), ycbcr_to_rgb_matrix(color))
        src = rgb
        if self.settings.denoise > 0:
            k = 2 * int(self.settings.denoise) + 1
            src = cv2.blur(rgb, (k, k))
        lin = cv2.LUT(src, _LUT_LINEAR if self.settings.linear else _LUT_ENCODED)
        return lin, rgb, luma_half

    def _know_screen(self, lin_small: np.ndarray) -> str:
        st, s = self._state, self.settings
        if st.screen is not None:
            return st.screen
        with self._lock:  # frames may be keyed concurrently: the first one fixes the screen
            if st.screen is not None:
                return st.screen
            detected, colour = detect_screen(lin_small)
            screen = detected if s.screen == "auto" else s.screen
            if st.reference is None:
                st.reference = colour if screen == detected else detect_screen_colour(lin_small, screen)
            st.screen = screen  # last: other threads take a set screen as "reference known too"
            log.info("keyer: %s screen, reference colour (linear) %s", screen, np.round(st.reference, 3).tolist())
        return screen

    def key(
        self, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Matte (float32, luma's size) and despilled foreground (R'G'B' uint8 or ``None``) of one frame."""
        half = self.estimate(y, cb, cr, color)
        return self.finish_matte(half, half.alpha, y, cb, cr, color)

    def finish_matte(
        self, half: "HalfMatte", alpha_half: np.ndarray, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Full-resolution matte from ``alpha_half`` (the estimate, possibly smoothed), and the foreground."""
        s = self.settings
        alpha = upsample_matte(alpha_half, y, half.luma_half, s.upsample)
        if s.choke:
            alpha = choke(alpha, s.choke)
        if s.feather:
            alpha = feather(alpha, s.feather)
        regions = None  # the colour matters only where the matte is above 0 (a grown matte: everywhere)
        if not (s.choke < 0 or s.feather > 0):
            regions = object_boxes(cv2.compare(alpha_half, 0.0, cv2.CMP_GT))
        fg = despilled_rgb(
            y,
            cb,
            cr,
            half.rgb_half,
            color,
            screen=half.screen,
            method=s.despill,
            strength=s.despill_strength,
            restore_luma=s.restore_luma,
            regions=regions,
        )
        return alpha, fg

    # -- steps 2-5 ---------------------------------------------------------------------------------
    def estimate(self, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo) -> HalfMatte:
        """The frame's matte at chroma resolution (call :meth:`finish_matte` for full resolution)."""
        s, st = self.settings, self._state
        lin, rgb_half, luma_half = self._linear(y, cb, cr, color)
        h2, w2 = lin.shape[:2]
        small = (max(8, w2 // 4), max(8, h2 // 4))
        lin_small = cv2.resize(lin, small, interpolation=cv2.INTER_AREA)
        screen = self._know_screen(lin_small)
        d = screen_difference(lin, screen, s.screen_balance)
        d_small = cv2.resize(d, small, interpolation=cv2.INTER_AREA)
        ref = st.reference if st.reference is not None else np.array([0.05, 0.4, 0.08], np.float32)
        d_ref = float(screen_difference(ref.reshape(1, 1, 3), screen, s.screen_balance)[0, 0])
        if s.clean_plate:
            given = s.screen_color != "auto"
            plate, d_plate, mask = screen_plate(
                d_small, lin_small, (ref, d_ref), hue_tolerance=_HUE_TOLERANCE if given else None
            )
        else:
            plate = np.broadcast_to(ref, (small[1], small[0], 3)).astype(np.float32)
            d_plate = np.full(d_small.shape, d_ref, np.float32)
            mask = (d_small > 0.6 * d_ref).astype(np.float32)
        d_screen = cv2.resize(d_plate, (w2, h2), interpolation=cv2.INTER_LINEAR)
        np.maximum(d_screen, 1e-4, out=d_screen)
        alpha_cd = cv2.divide(d, d_screen)
        cv2.subtract(1.0, alpha_cd, dst=alpha_cd)
        clip_black = self._clip_black(alpha_cd, mask)
        alpha, core, solid_small = self._solid(alpha_cd, lin_small.shape[:2])
        if s.edge_refine and solid_small is not None:
            self._refine_band(alpha, alpha_cd, core, lin, lin_small, plate, solid_small, clip_black, screen)
        if clip_black > 0:
            # hysteresis: faint values next to clearly foreground ones (a strand of hair fading out)
            # get a lower clip; isolated ones (noise on the screen) do not
            strong = cv2.compare(alpha, clip_black * _HYST_STRONG, cv2.CMP_GT)
            near = cv2.dilate(strong, np.ones((3, 3), np.uint8)).astype(bool)
            low = clip_black * _HYST_LOW
            soft_clip = (alpha - low) * (1.0 / (1.0 - low))
            cv2.subtract(alpha, clip_black, dst=alpha)
            cv2.multiply(alpha, 1.0 / (1.0 - clip_black), dst=alpha)
            np.copyto(alpha, soft_clip, where=near)
        np.clip(alpha, 0.0, 1.0, out=alpha)
        return HalfMatte(alpha=alpha, luma_half=luma_half, rgb_half=rgb_half, screen=screen)

    def _clip_black(self, alpha_cd: np.ndarray, mask_small: np.ndarray) -> float:
        s, st = self.settings, self._state
        if s.clip_black != "auto":
            return float(s.clip_black)
        step = max(1, alpha_cd.shape[0] // _NOISE_ROWS)
        sample_grid = alpha_cd[step // 2 :: step, step // 2 :: step]
        mask = (
            cv2.resize(mask_small, (sample_grid.shape[1], sample_grid.shape[0]), interpolation=cv2.INTER_NEAREST) > 0.5
        )
        sample = sample_grid[mask]
        # per frame (a median over thousands of screen pixels is steady), so frames key alike in any order
        if sample.size >= 64:
            sigma = 1.4826 * float(np.median(np.abs(sample)))
            if st.first_noise is None:
                st.first_noise = sigma
        else:
            sigma = st.first_noise if st.first_noise is not None else 0.01
        st.noise = sigma
        return float(min(0.25, max(_MIN_CLIP_BLACK, _NOISE_K * sigma)))

    def _core_radius(self, h2: int) -> int:
        """Radius of the solid-core test in chroma-resolution pixels."""
        size = self.settings.core_size
        if size > 0:
            return max(1, int(round(size / 2.0)))  # given in full-resolution pixels
        return max(2, int(round(3.0 * h2 / 360.0)))

    def _solid(
        self, alpha_cd: np.ndarray, small_shape: tuple[int, int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Clip solid regions (thicker than the core size, above the core threshold) to opaque.

        :returns: the matte, the solid-core weight (0..1) and the core's coverage of the plate grid
            (``None`` when nothing is solid).
        """
        s = self.settings
        h2, w2 = alpha_cd.shape
        r = self._core_radius(h2)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        solid = cv2.compare(alpha_cd, s.core_threshold, cv2.CMP_GT) // 255
        opened = cv2.dilate(cv2.erode(solid, kernel), kernel)
        opened = cv2.erode(cv2.dilate(opened, kernel), kernel)  # close pockets narrower than the core
        # holes inside the solid core that are not screen (a dull patch of a greenish shirt) are solid too
        outside = cv2.copyMakeBorder(1 - opened, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=1)
        cv2.floodFill(outside, None, (0, 0), 2, flags=4)
        opened[(outside[1:-1, 1:-1] == 1) & (alpha_cd > _HOLE_LEVEL)] = 1
        alpha = alpha_cd.copy()
        # one pixel in from the solid outline: the outline itself is left to the edge refinement
        inner = cv2.erode(opened, np.ones((3, 3), np.uint8)) if h2 >= _SHRINK_FROM else opened
        bx, by, bw, bh = cv2.boundingRect(inner)
        if bw == 0 or bh == 0:
            return alpha, np.zeros_like(alpha_cd), None
        core = cv2.GaussianBlur(inner * np.uint8(255), (5, 5), 1.0).astype(np.float32)
        core *= 1.0 / 255.0
        y0, y1 = max(0, by - 4), min(h2, by + bh + 4)
        x0, x1 = max(0, bx - 4), min(w2, bx + bw + 4)
        a, c = alpha[y0:y1, x0:x1], core[y0:y1, x0:x1]
        clipped = cv2.multiply(a, 1.0 / max(s.clip_white, 1e-3))
        if s.clip_white < 1.0:  # deep inside the core anything that is not screen is solid (a logo's edge)
            clipped[(c >= 0.999) & (a > _HOLE_LEVEL)] = 1.0
        np.minimum(clipped, 1.0, out=clipped)
        clipped -= a
        clipped *= c
        a += clipped
        hs, ws = small_shape
        solid_small = cv2.resize(inner.astype(np.float32), (ws, hs), interpolation=cv2.INTER_AREA)
        return alpha, core, solid_small

    def _refine_band(
        self,
        alpha: np.ndarray,
        alpha_cd: np.ndarray,
        core: np.ndarray,
        lin: np.ndarray,
        lin_small: np.ndarray,
        plate_small: np.ndarray,
        solid_small: np.ndarray,
        clip_black: float,
        screen: str,
    ) -> None:
        """Solve ``I = αF + (1−α)B`` in the soft band, with F from nearby solid pixels (in place)."""
        known = (solid_small > _KNOWN).astype(np.float32)
        if not known.any():
            return
        band = cv2.compare(alpha_cd, max(clip_black, 0.01), cv2.CMP_GT)
        band &= cv2.compare(core, 0.99, cv2.CMP_LT)
        points = cv2.findNonZero(band)
        if points is None:
            return
        points = points.reshape(-1, 2)
        xs, ys = points[:, 0], points[:, 1]
        h2, w2 = alpha.shape
        hs, ws = plate_small.shape[:2]
        fg_small = push_pull(lin_small, known)
        # sample both plates at the band pixels (bilinear, centre-aligned)
        map_x = (xs.astype(np.float32) + 0.5) * (ws / w2) - 0.5
        map_y = (ys.astype(np.float32) + 0.5) * (hs / h2) - 0.5
        fg = sample_bilinear(fg_small, map_x, map_y)
        bg = sample_bilinear(plate_small, map_x, map_y)
        v = lin[ys, xs] - bg
        dvec = fg - bg
        den = np.einsum("ij,ij->i", dvec, dvec)
        proj = np.einsum("ij,ij->i", v, dvec) / np.maximum(den, 1e-6)
        resid = v - proj[:, None] * dvec
        # where the blended foreground colour does not fit, try each nearby solid colour instead
        vv = np.einsum("ij,ij->i", v, v)
        misfit = np.einsum("ij,ij->i", resid, resid) > _REFIT * (self.settings.edge_tolerance**2 * vv + _NOISE_FLOOR)
        idx = np.flatnonzero(misfit)
        if idx.size >= _MIN_MISFITS:
            p2, r2_, d2 = _cluster_candidates(
                lin_small, known, map_x[idx], map_y[idx], v[idx], bg[idx], proj[idx], resid[idx], den[idx]
            )
            proj, resid, den = proj.copy(), resid.copy(), den.copy()
            proj[idx], resid[idx], den[idx] = p2, r2_, d2
        # accepted where the pixel lies on the screen–foreground line (within the tolerance, relative
        # to its distance from the screen, plus the noise floor that faint pixels cannot beat)
        tol = self.settings.edge_tolerance
        scale = tol * tol * np.einsum("ij,ij->i", v, v) + _NOISE_FLOOR
        weight = np.exp(-np.einsum("ij,ij->i", resid, resid) / scale) * (den > 1e-3)
        current = alpha[ys, xs]
        target = current + weight * (proj - current)
        # near-opaque edge pixels of a textured object (its colour varies about the solid colour
        # found): opaque, through a knee from (white − 0.15) to the edge white level
        white = self.settings.edge_white
        if white < 1.0:
            lo = max(0.0, white - 0.15)
            knee = lo + (target - lo) * ((1.0 - lo) / max(white - lo, 1e-6))
            target = np.where(target > lo, np.minimum(np.maximum(knee, target), np.maximum(target, 1.0)), target)
        alpha[ys, xs] = current + (1.0 - core[ys, xs]) * (target - current)


def detect_screen_colour(lin_small: np.ndarray, screen: str) -> np.ndarray:
    """The typical colour (linear RGB) of the pixels that clearly show a ``screen`` screen."""
    d = screen_difference(lin_small, screen, 1.0)
    mask = d > 0.5 * max(float(np.percentile(d, 95)), 1e-4)
    pixels = lin_small[mask] if mask.any() else lin_small.reshape(-1, 3)
    return np.median(pixels, axis=0).astype(np.float32)


def _kmeans(points: np.ndarray, k: int, iterations: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic k-means (farthest-point start): (centres k×3, labels)."""
    p2 = np.einsum("ij,ij->i", points, points)
    first = int(np.argmax(np.einsum("ij,ij->i", points - points.mean(0), points - points.mean(0))))
    centres = [first]
    dist = p2 - 2.0 * points @ points[first] + p2[first]
    for _ in range(1, k):
        nxt = int(np.argmax(dist))
        centres.append(nxt)
        dist = np.minimum(dist, p2 - 2.0 * points @ points[nxt] + p2[nxt])
    c = points[centres].copy()
    labels = np.zeros(len(points), np.int64)
    for _ in range(iterations):
        d = p2[:, None] - 2.0 * points @ c.T + np.einsum("ij,ij->i", c, c)[None, :]
        labels = d.argmin(1)
        counts = np.bincount(labels, minlength=k).astype(np.float32)
        sums = np.stack([np.bincount(labels, weights=points[:, ch], minlength=k) for ch in range(3)], axis=1)
        filled = counts > 0
        c[filled] = (sums[filled] / counts[filled, None]).astype(np.float32)
    return c, labels


def _cluster_candidates(lin_small, known, map_x, map_y, v, bg, proj, resid, den):
    """Also try each nearby solid colour (k-means of the core's colours) as F; keep the best-fitting one."""
    hs, ws = known.shape
    solid = known > 0
    core_px = lin_small[solid].astype(np.float32)
    k = min(_K, len(core_px) // 8)
    if k < 2:
        return proj, resid, den
    step = max(1, len(core_px) // _KMEANS_POINTS)
    centres, _ = _kmeans(core_px[::step], k)
    # every solid pixel to its nearest centre, and each colour's share around every plate pixel
    d = np.einsum("ij,ij->i", core_px, core_px)[:, None] - 2.0 * core_px @ centres.T
    labels = (d + np.einsum("ij,ij->i", centres, centres)[None, :]).argmin(1)
    members = np.zeros((hs, ws, k), np.float32)
    yy, xx = np.nonzero(solid)
    members[yy, xx, labels] = 1.0
    r = max(3, ws // _PRES_DIV) | 1
    presence = cv2.blur(members, (r, r)).reshape(hs, ws, k)  # all colours in one pass
    gy = np.clip(np.rint(map_y), 0, hs - 1).astype(np.int64)
    gx = np.clip(np.rint(map_x), 0, ws - 1).astype(np.int64)
    near = presence[gy, gx] > _PRESENCE  # (n, k)
    # projection of v = I − B on d = C − B for every centre C, by matrix products (no n×k×3 arrays):
    # v·d = v·C − v·B, |d|² = |C|² − 2 B·C + |B|², residual² = |v|² − (v·d)² / |d|²
    vb = np.einsum("ij,ij->i", v, bg)[:, None]
    vd = v @ centres.T - vb
    dd = (
        np.einsum("ij,ij->i", centres, centres)[None, :]
        - 2.0 * (bg @ centres.T)
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
    return proj, resid, den
