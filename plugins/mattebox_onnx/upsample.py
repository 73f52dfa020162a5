"""Edge-aware upsampling of a working-resolution matte, done at full resolution only along its edges.

The fast guided filter (:func:`mattebox.matte.guided_upsample`) fits ``alpha ≈ a·I + b`` against
the luma ``I`` at the working resolution, upsamples ``a`` and ``b`` bilinearly and applies them to
the full-resolution luma: two float resizes, a multiply and an add over every pixel, the most
expensive step of a 1080p matte. Away from the matte's edges ``a`` is 0 and ``b`` is 0 (clear) or
1 (opaque), so the result there is known without touching the full-resolution luma.
:class:`EdgeUpsampler` classifies the working grid, fills the clear and opaque regions directly
(exactly 0 and 1) and does the multiply-add only in row bands, split into runs of columns, around
the edges. Where it computes, it computes the fast guided filter's values; elsewhere it differs
from them by at most ``2 * tol``.

Every working-resolution array lives in buffers reused from frame to frame: freshly allocated
arrays of this size cost more in page faults than the arithmetic done in them.
"""

from __future__ import annotations

import cv2
import numpy as np

from mattebox.matte.guided import guided_upsample

__all__ = ["EdgeUpsampler", "small_luma"]

_KERNEL = np.ones((3, 3), np.uint8)


def small_luma(luma: np.ndarray, width: int, height: int) -> np.ndarray:
    """The full-resolution luma reduced to ``width``×``height`` by area averaging (shared by every working-resolution step).

    At a whole factor k, halvings by OpenCV's fast 2x area path and, for an odd remainder m >= 3, an
    m×m box blur sampled at the blocks' centres: the area average (within a code of rounding) at a
    fraction of the general area resize's cost (1080p to 480x270: 0.05 ms instead of 1.5).
    """
    h, w = luma.shape
    if (h, w) == (height, width):
        return luma
    k = w // width
    if k < 2 or w != k * width or h != k * height:
        return cv2.resize(luma, (width, height), interpolation=cv2.INTER_AREA)
    while k % 2 == 0:
        h, w, k = h // 2, w // 2, k // 2
        luma = cv2.resize(luma, (w, h), interpolation=cv2.INTER_AREA)
    if k > 1:
        luma = np.ascontiguousarray(cv2.blur(luma, (k, k))[k // 2 :: k, k // 2 :: k])
    return luma


def _runs(flags: np.ndarray, gap: int) -> list[tuple[int, int, int]]:
    """``(row, start, end)`` runs of True along each row of ``flags`` (2-D), merging runs of a row
    separated by fewer than ``gap`` Falses."""
    edges = np.diff(np.pad(flags.view(np.int8), ((0, 0), (1, 1))), axis=1)
    starts, ends = np.nonzero(edges > 0), np.nonzero(edges < 0)[1]  # row-major: each row's runs in order
    runs: list[tuple[int, int, int]] = []
    for row, c0, c1 in zip(starts[0].tolist(), starts[1].tolist(), ends.tolist()):
        if runs and runs[-1][0] == row and c0 - runs[-1][2] < gap:
            runs[-1] = (row, runs[-1][1], c1)
        else:
            runs.append((row, c0, c1))
    return runs


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class EdgeUpsampler:
    """Upsamples working-resolution mattes to one frame size along the full-resolution luma's edges.

    :param width: full-resolution frame width; ``height`` likewise.
    :param work_width: the mattes' (working) width; ``work_height`` likewise.
    :param radius: guided-filter radius in full-resolution pixels.
    :param eps: guided-filter regularisation.
    :param tol: coefficients within ``tol`` of a constant 0 or 1 count as settled (result within ``2 * tol``).
    :param band: height of a row band, in working rows.
    :param gap: runs of columns to compute closer than this (working pixels) are computed as one (a call
        costs about as much as computing a thousand pixels).
    """

    def __init__(self, width: int, height: int, work_width: int, work_height: int, radius: int, eps: float, *,
                 tol: float = 1e-3, band: int = 32, gap: int = 96) -> None:
        self.width, self.height = width, height
        self.work = (work_width, work_height)
        self.radius, self.eps, self.tol = radius, float(eps), tol
        self.band, self.gap = band, gap
        self.r_small = max(1, round(radius * work_width / width))
        self._mean = np.full(2 * self.r_small + 1, 1.0 / (2 * self.r_small + 1), np.float32)
        k = width // work_width
        self.factor = k if k > 1 and width == k * work_width and height == k * work_height else 0
        shape = (work_height, work_width)
        self._f = {name: np.empty(shape, np.float32) for name in ("g", "ip", "ii", "mi", "mp", "mip", "mii", "a", "b")}
        self._u = {name: np.empty(shape, np.uint8) for name in ("flat", "t", "zero", "one")}
        self._scratch = np.empty(0, np.float32)
        self.computed_share = 0.0  # share of the frame the last call computed (statistics and tests)

    # -- working resolution ----------------------------------------------------------------------
    def _box(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        # a separable mean: the same box filter as the core's, and faster than cv2.boxFilter on float images
        return cv2.sepFilter2D(src, -1, self._mean, self._mean, dst=dst, borderType=cv2.BORDER_REFLECT)

    def coefficients(self, mask: np.ndarray, small: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int] | None]:
        """The guided filter's ``(a, b)`` at the working resolution, and the cells ``(x0, y0, x1, y1)`` where they
        may be anything but ``a = 0, b = 0`` (``None``: nowhere). Views of reused buffers.

        Where the mask is clear within two box radii, ``a = 0`` and ``b = 0`` exactly; so the filter runs
        on the foreground's bounding box grown by twice that reach, and is kept where it is exact.
        """
        f = self._f
        h, w = mask.shape
        bx, by, bw, bh = cv2.boundingRect(cv2.compare(mask, self.tol, cv2.CMP_GT, dst=self._u["flat"]))
        if bw == 0 or bh == 0:
            return f["a"], f["b"], None
        reach = 2 * self.r_small + 2
        keep = (max(0, bx - reach), max(0, by - reach), min(w, bx + bw + reach), min(h, by + bh + reach))
        x0, y0, x1, y1 = max(0, bx - 2 * reach), max(0, by - 2 * reach), min(w, bx + bw + 2 * reach), min(h, by + bh + 2 * reach)
        part = (slice(y0, y1), slice(x0, x1))
        m = mask[part]
        g, ip, ii, mi, mp, mip, mii = (f[k][part] for k in ("g", "ip", "ii", "mi", "mp", "mip", "mii"))
        cv2.multiply(small[part], 1.0 / 255.0, dst=g, dtype=cv2.CV_32F)
        cv2.multiply(g, m, dst=ip)
        cv2.multiply(g, g, dst=ii)
        self._box(g, mi), self._box(m, mp), self._box(ip, mip), self._box(ii, mii)
        cv2.multiply(mi, mi, dst=ii)
        cv2.subtract(mii, ii, dst=ii)  # variance of the guide
        cv2.add(ii, self.eps, dst=ii)
        cv2.multiply(mi, mp, dst=ip)
        cv2.subtract(mip, ip, dst=ip)  # covariance of guide and mask
        cv2.divide(ip, ii, dst=ip)  # a
        cv2.multiply(ip, mi, dst=ii)
        cv2.subtract(mp, ii, dst=ii)  # b
        self._box(ip, mi), self._box(ii, mp)  # smoothed a, b (reach of the border effects: two box radii)
        a, b = f["a"], f["b"]
        a.fill(0.0), b.fill(0.0)
        kx0, ky0, kx1, ky1 = keep
        inner = (slice(ky0 - y0, ky1 - y0), slice(kx0 - x0, kx1 - x0))
        a[ky0:ky1, kx0:kx1] = mi[inner]
        b[ky0:ky1, kx0:kx1] = mp[inner]
        return a, b, keep

    def _classes(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(opaque, compute) uint8 maps: cells whose 3x3 neighbourhood is all settled at 1, and cells to compute."""
        h, w = a.shape
        u = {k: v[:h, :w] for k, v in self._u.items()}
        t, scratch = u["t"], self._f["g"][:h, :w]
        cv2.absdiff(a, 0.0, dst=scratch)
        flat = cv2.compare(scratch, self.tol, cv2.CMP_LE, dst=u["flat"])
        cv2.compare(b, self.tol, cv2.CMP_LE, dst=t)
        zero = cv2.erode(cv2.bitwise_and(flat, t, dst=t), _KERNEL, dst=u["zero"])
        cv2.compare(b, 1.0 - self.tol, cv2.CMP_GE, dst=t)
        one = cv2.erode(cv2.bitwise_and(flat, t, dst=t), _KERNEL, dst=u["one"])
        # a full-resolution pixel blends the 2x2 working pixels around it, all inside its cell's 3x3
        compute = cv2.bitwise_not(cv2.bitwise_or(zero, one, dst=t), dst=t)
        return one, compute

    # -- full resolution -------------------------------------------------------------------------
    def __call__(self, mask: np.ndarray, luma: np.ndarray, small: np.ndarray | None = None) -> np.ndarray:
        """The full-resolution matte (float32, 0..1) of ``mask`` (float32 at the working resolution).

        :param luma: the frame's full-resolution luma, uint8.
        :param small: the luma at the working size (:func:`small_luma`), if already made.
        """
        w, h = self.work
        big_w, big_h = self.width, self.height
        mask = np.ascontiguousarray(mask, dtype=np.float32)
        if (w, h) == (big_w, big_h):
            self.computed_share = 1.0
            return guided_upsample(mask, luma, radius=self.radius, eps=self.eps)
        if small is None:
            small = small_luma(luma, w, h)
        a, b, keep = self.coefficients(mask, small)
        # not np.zeros: a zeroed 8 MB block comes fresh from the kernel page by page (~3 ms of faults at
        # 1080p once the pipeline writes it all); a recycled block filled here costs a tenth of that
        out = np.empty((big_h, big_w), np.float32)
        out.fill(0.0)
        if keep is None:
            self.computed_share = 0.0
            return out
        kx0, ky0, kx1, ky1 = keep
        one, compute = self._classes(a[ky0:ky1, kx0:kx1], b[ky0:ky1, kx0:kx1])
        band, kh = self.band, one.shape[0]
        starts = np.arange(0, kh, band)
        # per band of rows: columns opaque in every row are filled, columns with anything else to do are computed
        all_one = np.minimum.reduceat(one, starts, axis=0) > 0
        todo = (np.maximum.reduceat(compute, starts, axis=0) > 0) | ((np.maximum.reduceat(one, starts, axis=0) > 0) & ~all_one)
        for i, c0, c1 in _runs(all_one, 1):
            x0, x1, y0, y1 = self._pixels(kx0 + c0, kx0 + c1, ky0 + i * band, min(ky1, ky0 + (i + 1) * band))
            out[y0:y1, x0:x1] = 1.0
        done = 0
        for i, c0, c1 in _runs(todo, self.gap):
            done += self._apply(a, b, luma, out, kx0 + c0, kx0 + c1, ky0 + i * band, min(ky1, ky0 + (i + 1) * band))
        self.computed_share = done / float(big_w * big_h)
        return out

    def _pixels(self, c0: int, c1: int, r0: int, r1: int) -> tuple[int, int, int, int]:
        """Full-resolution pixels whose nearest cell (``floor(x * w / W)``) lies in the cells' rectangle."""
        w, h = self.work
        return (_ceil_div(c0 * self.width, w), min(self.width, _ceil_div(c1 * self.width, w)),
                _ceil_div(r0 * self.height, h), min(self.height, _ceil_div(r1 * self.height, h)))

    def _view(self, rows: int, cols: int, slot: int) -> np.ndarray:
        """A contiguous (rows, cols) float32 view of scratch slot 0 or 1."""
        n = rows * cols
        if self._scratch.size < 2 * n:
            self._scratch = np.empty(2 * n, np.float32)
        return self._scratch[slot * n : (slot + 1) * n].reshape(rows, cols)

    def _apply(self, a: np.ndarray, b: np.ndarray, luma: np.ndarray, out: np.ndarray, c0: int, c1: int, r0: int,
               r1: int) -> int:
        """``out = clip(A * I + B)`` over the cells' pixels, A and B sampled as a whole-frame bilinear resize would."""
        x0, x1, y0, y1 = self._pixels(c0, c1, r0, r1)
        if x1 <= x0 or y1 <= y0:
            return 0
        k = self.factor
        if k:
            # integer scale: resize the cells plus a one-cell margin, exactly as the whole frame would be
            w, h = self.work
            cb0, cb1, rb0, rb1 = max(0, c0 - 1), min(w, c1 + 1), max(0, r0 - 1), min(h, r1 + 1)
            size = (k * (cb1 - cb0), k * (rb1 - rb0))
            inner = (slice(y0 - k * rb0, y1 - k * rb0), slice(x0 - k * cb0, x1 - k * cb0))
            big_a = cv2.resize(a[rb0:rb1, cb0:cb1], size, dst=self._view(size[1], size[0], 0), interpolation=cv2.INTER_LINEAR)[inner]
            big_b = cv2.resize(b[rb0:rb1, cb0:cb1], size, dst=self._view(size[1], size[0], 1), interpolation=cv2.INTER_LINEAR)[inner]
        else:
            w, h = self.work
            sx, sy = w / self.width, h / self.height
            # window pixel (u, v) samples the working grid at ((x0 + u + 0.5) * sx - 0.5, (y0 + v + 0.5) * sy - 0.5)
            m = np.array([[sx, 0.0, (x0 + 0.5) * sx - 0.5], [0.0, sy, (y0 + 0.5) * sy - 0.5]], dtype=np.float64)
            size = (x1 - x0, y1 - y0)
            flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
            big_a = cv2.warpAffine(a, m, size, dst=self._view(size[1], size[0], 0), flags=flags, borderMode=cv2.BORDER_REPLICATE)
            big_b = cv2.warpAffine(b, m, size, dst=self._view(size[1], size[0], 1), flags=flags, borderMode=cv2.BORDER_REPLICATE)
        target = out[y0:y1, x0:x1]
        cv2.multiply(big_a, luma[y0:y1, x0:x1], dst=big_a, scale=1.0 / 255.0, dtype=cv2.CV_32F)
        cv2.add(big_a, big_b, dst=target)
        cv2.threshold(target, 1.0, 1.0, cv2.THRESH_TRUNC, dst=target)
        cv2.max(target, 0.0, dst=target)
        return (x1 - x0) * (y1 - y0)
