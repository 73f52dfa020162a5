"""The green/blue-screen keying algorithm, on numpy arrays (no PyAV): Y'CbCr planes in, matte out.

Per frame, at chroma resolution (where 4:2:0 colour lives):

1. Y'CbCr → R'G'B' with the clip's own matrix. Linear light (light mixes linearly: a hair over a
   screen is a linear blend of the two) comes through a lookup table, first on the plate grid
   (a quarter of chroma resolution) from the cells' mean codes.
2. Colour difference ``d`` (the screen channel minus the others); the screen's own ``d`` per pixel
   comes from a clean plate estimated on the plate grid (:mod:`.screen`), so uneven lighting does
   not leak into the matte; ``α = 1 − d / d_screen``. The clip black comes from the screen's
   measured noise on a sparse sample of pixels. The objects are found on the plate grid, and only
   in boxes around them is every pixel brought to linear light and keyed (:mod:`.halfres`); the
   rest is screen.
3. Within those, the boxes around the objects (:func:`.regions.seeded_boxes`: blobs above the clip
   black holding a clearly foreground pixel) are worked on. Solid regions (thicker than the core
   size, above the core threshold) are clipped to opaque (:mod:`.solid`): greenish clothing stays
   solid while thin or soft structures keep their values.
4. In the soft band around them, the foreground colour is estimated from the nearby solid pixels
   and the matting equation ``I = αF + (1−α)B`` is solved by projection where the pixel really is
   such a mix (:mod:`.refine`; the colour difference alone over-keys warm colours and under-keys spill).
5. Clip black with hysteresis; specks of noise away from any object go. Then :mod:`.upsample`
   restores full-resolution detail from the luma plane; despill works on the chroma planes
   (:mod:`.foreground`), both only in the objects' boxes.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import cv2
import numpy as np
from mattebox.matte.refine import choke, feather
from mattebox.media.color import ColorInfo, ycbcr_to_rgb, ycbcr_to_rgb_matrix
from mattebox.media.frame import SourcePlanes

from .buffers import ClearedArrays
from .foreground import despilled_planes
from .refine import SolidColours, SolidFill, refine_band
from .halfres import GRID, chroma_outliers, exact_grid_cells, full_cells, grid_linear, grid_matches, matte_at, matte_in_boxes
from .regions import Box, grid_boxes, object_boxes, seeded_boxes, zero_within
from .screen import detect_screen, hue_near, screen_difference
from .screen_model import ScreenModel, build_model, reuse_model
from .settings import KeyerSettings
from .solid import clip_solid, core_margin
from .unmix import unmix_edges
from .upsample import upsample_matte

__all__ = ["FullMatte", "HalfMatte", "Keyer", "LinearFrame", "srgb_to_linear_lut"]

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
_HYST_LOW = 0.5  # clip black, as a share of the full one, next to clearly foreground pixels
_HYST_STRONG = 2.0  # 'clearly foreground': above this many times the clip black
_SHRINK_FROM = 270  # chroma rows from which the core keeps one pixel off the solid outline
_GRID_LEVEL = 0.25  # the plate grid's matte is read at this share of the chroma-resolution levels
_WORK_MARGIN = 2  # plate-grid cells keyed at chroma resolution around what the grid shows
_HUE_TOLERANCE = 0.15  # chromaticity distance (L1) from a given screen colour still counted as screen


@dataclass
class HalfMatte:
    """The matte of one frame at chroma resolution, with what finishing it needs."""

    alpha: np.ndarray  # float32 (h, w) 0..1
    luma_half: np.ndarray  # uint8 (h, w)
    rgb_half: np.ndarray  # uint8 (h, w, 3) R'G'B' at chroma resolution
    screen: str
    boxes: list[Box] | None = None  # boxes holding every non-zero pixel of ``alpha`` (None: not known)
    colours: SolidColours | None = None  # the solid colours the edge refinement used
    plate: np.ndarray | None = None  # the clean plate on the plate grid (working light), for the edge colour
    solid_fill: SolidFill | None = None  # the solid colour filled in around the edges (from the edge refinement)


@dataclass
class FullMatte:
    """The matte of one frame at full resolution, and the despilled foreground."""

    alpha: np.ndarray  # float32 (H, W) within 0..1
    boxes: list[Box] | None  # boxes outside which ``alpha`` is 0 (None: not known)
    foreground: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # Y'CbCr planes in the source's layout
    depth: int = 8  # bits per code of ``foreground`` (uint16 planes above 8)


@dataclass
class LinearFrame:
    """A frame at chroma resolution and its plate grid in linear light: all a clean plate needs.

    Linear light at chroma resolution is worked out later, around the objects only
    (:mod:`.halfres`).
    """

    rgb_half: np.ndarray  # uint8 (h, w, 3) R'G'B'
    codes: np.ndarray  # uint8 (h, w, 3) the R'G'B' codes keyed: rgb_half, or denoised
    luma_half: np.ndarray  # uint8 (h, w)
    lin_small: np.ndarray  # float32 (h/4, w/4, 3): the plate grid (linear light of the cells' mean codes)
    d_small: np.ndarray  # float32 (h/4, w/4) colour difference there
    screen: str
    cb: np.ndarray  # uint8 (h, w) the source's chroma planes (read-only views)
    cr: np.ndarray


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
        # mattes and masks are 0 outside the objects' boxes: reused arrays need clearing only where
        # the frame before wrote (see :meth:`recycle`)
        self._arrays = ClearedArrays()
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

    # -- step 1: R'G'B' at chroma resolution, the plate grid in linear light -----------------------
    def _lut(self) -> np.ndarray:
        return _LUT_LINEAR if self.settings.linear else _LUT_ENCODED

    def _codes(
        self, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(R'G'B', the codes to key: R'G'B' or its denoised version, luma) at chroma resolution."""
        h2, w2 = cb.shape
        luma_half = y if y.shape == (h2, w2) else cv2.resize(y, (w2, h2), interpolation=cv2.INTER_AREA)
        rgb = cv2.transform(cv2.merge([luma_half, cb, cr]), ycbcr_to_rgb_matrix(color))
        codes = rgb
        if self.settings.denoise > 0:
            k = 2 * int(self.settings.denoise) + 1
            codes = cv2.blur(rgb, (k, k))
        return rgb, codes, luma_half

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
        full = self.finish_matte(half, half.alpha, y, cb, cr, color)
        return full.alpha, None if full.foreground is None else ycbcr_to_rgb(*full.foreground, color)

    def recycle(self, array: np.ndarray, boxes: list[Box] | None) -> None:
        """Hand back a matte this keyer made (``HalfMatte.alpha``, ``FullMatte.alpha``) once nothing reads it
        any more; it is 0 outside ``boxes``. Its memory serves a later frame, cleared only where needed."""
        self._arrays.give(array, boxes)

    def finish_matte(
        self,
        half: "HalfMatte",
        alpha_half: np.ndarray,
        y: np.ndarray,
        cb: np.ndarray,
        cr: np.ndarray,
        color: ColorInfo,
        *,
        foreground: bool = True,
        source: SourcePlanes | None = None,
    ) -> FullMatte:
        """Full-resolution matte (within 0..1) from ``alpha_half`` (the estimate, possibly smoothed), and the despilled
        foreground as Y'CbCr planes in ``color`` (``None`` without despill, or when ``foreground`` is
        False: a matte-only output needs no colour).

        :param source: the planes the foreground's colour is taken from, at the source's own bit depth and
            chroma subsampling (a 10-bit 4:2:2 file keeps its precision); ``None``: ``y, cb, cr``.
        """
        s = self.settings
        boxes = half.boxes if alpha_half is half.alpha else None  # smoothing in time may spread the matte
        if boxes is None:
            boxes = object_boxes(cv2.compare(alpha_half, 0.0, cv2.CMP_GT))
        upsampled, up_boxes = upsample_matte(
            alpha_half, y, half.luma_half, s.upsample, boxes=boxes, empty=self._arrays.take
        )
        alpha, full_boxes = upsampled, up_boxes
        if s.choke:  # (an erode or dilate keeps the matte within 0..1)
            alpha = choke(alpha, s.choke)
            if s.choke < 0:
                full_boxes = None  # grown past the boxes
        if s.feather:
            alpha = feather(alpha, s.feather)
            np.clip(alpha, 0.0, 1.0, out=alpha)  # the blur's weights may sum to 1 + ε
            full_boxes = None
        if alpha is not upsampled:
            self._arrays.give(upsampled, up_boxes)
        if not foreground:
            return FullMatte(alpha, full_boxes, None)
        regions = None  # the colour matters only where the matte is above 0 (a grown matte: everywhere)
        if not (s.choke < 0 or s.feather > 0):
            regions = boxes
        planes = source if source is not None else SourcePlanes(y, cb, cr, 8)
        rgb_half, shift = half.rgb_half, None
        if s.edge_colour == "unmix" and half.plate is not None:
            rgb_half, shift = unmix_edges(
                half.rgb_half, alpha_half, half.plate, self._lut(), boxes, color, linear=s.linear,
                fill=half.solid_fill,
            )
        fg = despilled_planes(
            planes.y,
            planes.cb,
            planes.cr,
            rgb_half,
            color,
            screen=half.screen,
            method=s.despill,
            strength=s.despill_strength,
            restore_luma=s.restore_luma,
            regions=regions,
            depth=planes.depth,
            shift=shift,
        )
        return FullMatte(alpha, full_boxes, fg, planes.depth)

    # -- steps 2-5 ---------------------------------------------------------------------------------
    def estimate(self, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo) -> HalfMatte:
        """The frame's matte at chroma resolution (call :meth:`finish_matte` for full resolution)."""
        return self.estimate_linear(self.linearise(y, cb, cr, color))

    def linearise(self, y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color: ColorInfo) -> LinearFrame:
        """Step 1 and the plate grid's colour difference: everything of a frame that needs no clean plate."""
        rgb_half, codes, luma_half = self._codes(y, cb, cr, color)
        h2, w2 = codes.shape[:2]
        lin_small = grid_linear(codes, self._lut(), (max(8, h2 // GRID), max(8, w2 // GRID)))
        screen = self._know_screen(lin_small)
        d_small = screen_difference(lin_small, screen, self.settings.screen_balance)
        return LinearFrame(rgb_half, codes, luma_half, lin_small, d_small, screen, cb, cr)

    def _reference(self, screen: str) -> tuple[np.ndarray, float]:
        """The screen's colour (linear RGB) and its colour difference."""
        st = self._state
        ref = st.reference if st.reference is not None else np.array([0.05, 0.4, 0.08], np.float32)
        return ref, float(screen_difference(ref.reshape(1, 1, 3), screen, self.settings.screen_balance)[0, 0])

    def screen_model(self, frame: LinearFrame) -> ScreenModel | None:
        """The clean plate of ``frame``, for the frames after it (``None`` when the clean plate is off)."""
        if not self.settings.clean_plate:
            return None
        given = self.settings.screen_color != "auto"
        return build_model(
            frame.d_small, frame.lin_small, self._reference(frame.screen), _HUE_TOLERANCE if given else None
        )

    def _plate(
        self, frame: LinearFrame, model: ScreenModel | None, own: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(plate, plate difference, screen mask) for ``frame``: the model's when it fits, else measured."""
        s = self.settings
        if not s.clean_plate:
            ref, d_ref = self._reference(frame.screen)
            hs, ws = frame.d_small.shape
            plate = np.broadcast_to(ref, (hs, ws, 3)).astype(np.float32)
            return plate, np.full((hs, ws), d_ref, np.float32), (frame.d_small > 0.6 * d_ref).astype(np.float32)
        if model is not None and own:
            return model.plate, model.d_plate, model.mask
        if model is not None:
            near = None
            if s.screen_color != "auto":
                near = hue_near(frame.lin_small, self._reference(frame.screen)[0], _HUE_TOLERANCE)
            fitted = reuse_model(model, frame.d_small, near)
            if fitted is not None:
                return fitted
        model = self.screen_model(frame)
        return model.plate, model.d_plate, model.mask

    def estimate_linear(
        self,
        frame: LinearFrame,
        model: ScreenModel | None = None,
        *,
        own: bool = False,
        colours: SolidColours | None = None,
    ) -> HalfMatte:
        """Steps 2-5 on a frame from :meth:`linearise`.

        :param model: a key frame's clean plate to reuse when it fits this frame (else one is measured).
        :param own: ``model`` was measured on this very frame.
        :param colours: an earlier frame's solid colours for the edge refinement, reused while this
            frame's core stays close to them (``None``: cluster this frame's).
        """
        s = self.settings
        screen, codes = frame.screen, frame.codes
        h2, w2 = codes.shape[:2]
        plate, d_plate, mask = self._plate(frame, model, own)
        d_plate = np.maximum(d_plate, 1e-4)
        clip_black = self._clip_black(frame, d_plate, mask)
        # the colour-difference matte at chroma resolution only in the boxes around the objects
        # (found on the plate grid); the rest is screen (0)
        work = self._work_boxes(frame, d_plate, mask, clip_black)
        take = self._arrays.take
        lin, alpha_cd = matte_in_boxes(codes, self._lut(), work, d_plate, screen, s.screen_balance, empty=take)
        lin_small = frame.lin_small
        if grid_matches((h2, w2), lin_small.shape[:2]):
            lin_small = exact_grid_cells(lin_small, lin, work)
        else:  # the grid does not tile the frame: the frame was worked on whole
            lin_small = cv2.resize(lin, lin_small.shape[1::-1], interpolation=cv2.INTER_AREA)
        radius = self._core_radius(h2)
        boxes = self._object_boxes(alpha_cd, clip_black, radius, work)
        alpha = take(alpha_cd.shape, np.float32, boxes)  # clip_solid fills every box
        inner = take(alpha_cd.shape, np.uint8, boxes)
        cores = []
        for y0, y1, x0, x1 in boxes:
            core, inner_box = clip_solid(
                alpha_cd[y0:y1, x0:x1],
                alpha[y0:y1, x0:x1],
                radius=radius,
                threshold=s.core_threshold,
                clip_white=s.clip_white,
                shrink=h2 >= _SHRINK_FROM,
            )
            inner[y0:y1, x0:x1] = inner_box
            cores.append(core)
        fill = None
        if s.edge_refine:
            colours, fill = self._refine(
                alpha, alpha_cd, boxes, cores, inner, lin, lin_small, plate, clip_black, colours
            )
        self._arrays.give(alpha_cd, work)
        self._arrays.give(inner, boxes)
        if clip_black <= 0:
            np.clip(alpha, 0.0, 1.0, out=alpha)
            return HalfMatte(
                alpha=alpha, luma_half=frame.luma_half, rgb_half=frame.rgb_half, screen=screen, colours=colours,
                plate=plate, solid_fill=fill,
            )
        strong = take(alpha.shape, np.uint8, boxes)  # _clip marks every pixel of the boxes
        above = take(alpha.shape, np.uint8, boxes)
        for y0, y1, x0, x1 in boxes:
            self._clip(alpha[y0:y1, x0:x1], clip_black, strong[y0:y1, x0:x1])
            cv2.compare(alpha[y0:y1, x0:x1], 0.0, cv2.CMP_GT, dst=above[y0:y1, x0:x1])
        # what is left of the noise inside the boxes, away from anything clearly foreground, goes too
        kept = seeded_boxes(above, strong)
        self._arrays.give(strong, boxes)
        self._arrays.give(above, boxes)
        zero_within(alpha, boxes, kept)  # (alpha is 0 outside the boxes already)
        boxes = kept
        return HalfMatte(
            alpha=alpha, luma_half=frame.luma_half, rgb_half=frame.rgb_half, screen=screen, boxes=boxes, colours=colours,
            plate=plate, solid_fill=fill,
        )

    @staticmethod
    def _clip(alpha: np.ndarray, clip_black: float, strong: np.ndarray) -> None:
        """Clip black with hysteresis and clip to 0..1 (in place); mark the clearly foreground pixels in ``strong``.

        Faint values next to clearly foreground ones (a strand of hair fading out) get a lower clip;
        isolated ones (noise on the screen) do not.
        """
        cv2.compare(alpha, clip_black * _HYST_STRONG, cv2.CMP_GT, dst=strong)
        near = cv2.dilate(strong, np.ones((3, 3), np.uint8)).astype(bool)
        low = clip_black * _HYST_LOW
        soft_clip = (alpha - low) * (1.0 / (1.0 - low))
        cv2.subtract(alpha, clip_black, dst=alpha)
        cv2.multiply(alpha, 1.0 / (1.0 - clip_black), dst=alpha)
        np.copyto(alpha, soft_clip, where=near)
        np.clip(alpha, 0.0, 1.0, out=alpha)

    def _screen_sample(self, frame: LinearFrame, d_plate: np.ndarray, mask_small: np.ndarray) -> np.ndarray | None:
        """The colour-difference matte at screen pixels of a sparse grid (thousands of them), each keyed
        as :func:`.halfres.matte_in_boxes` keys it; ``None`` when too little screen shows."""
        h2, w2 = frame.codes.shape[:2]
        step = max(1, h2 // _NOISE_ROWS)
        rows, cols = len(range(step // 2, h2, step)), len(range(step // 2, w2, step))
        mask = cv2.resize(mask_small, (cols, rows), interpolation=cv2.INTER_NEAREST) > 0.5
        if int(mask.sum()) < 64:
            return None
        return matte_at(frame.codes, self._lut(), step, d_plate, frame.screen, self.settings.screen_balance)[mask]

    def _clip_black(self, frame: LinearFrame, d_plate: np.ndarray, mask_small: np.ndarray) -> float:
        """The clip black: ``_NOISE_K`` standard deviations of the matte's noise over the screen."""
        s, st = self.settings, self._state
        if s.clip_black != "auto":
            return float(s.clip_black)
        sample = self._screen_sample(frame, d_plate, mask_small)
        # per frame (a median over thousands of screen pixels is steady), so frames key alike in any order
        if sample is not None:
            sigma = 1.4826 * float(np.median(np.abs(sample)))
            if st.first_noise is None:
                st.first_noise = sigma
        else:
            sigma = st.first_noise if st.first_noise is not None else 0.01
        st.noise = sigma
        return float(min(0.25, max(_MIN_CLIP_BLACK, _NOISE_K * sigma)))

    def _work_boxes(
        self, frame: LinearFrame, d_plate: np.ndarray, screen_cells: np.ndarray, clip_black: float
    ) -> list[Box]:
        """Where to key at chroma resolution: boxes around the objects seen on the plate grid.

        A cell's matte is the mean of its pixels', so a hair strand crossing a cell shows at a
        quarter of its own level: the grid is read at a quarter of the chroma-resolution levels.
        A blob is kept when it holds a cell solidly above the clip black (an object's body) or a
        pixel whose chroma is clearly off the screen's (a thin strand on its own); the boxes
        reach ``_WORK_MARGIN`` cells past it.
        """
        h2, w2 = frame.codes.shape[:2]
        whole = [(0, h2, 0, w2)]
        small = frame.d_small.shape
        if clip_black <= 0 or not grid_matches((h2, w2), small) or frame.cb.shape != (h2, w2):
            return whole
        alpha_small = 1.0 - frame.d_small / d_plate
        core = self.settings.core_threshold
        strands = chroma_outliers(frame.cb, frame.cr, screen_cells, small)
        mask = (alpha_small > min(clip_black, core) * _GRID_LEVEL) | strands
        seeds = (alpha_small > min(_HYST_STRONG * clip_black, core)) | strands
        return grid_boxes(mask, seeds, GRID, (h2, w2), margin=_WORK_MARGIN)

    def _core_radius(self, h2: int) -> int:
        """Radius of the solid-core test in chroma-resolution pixels."""
        size = self.settings.core_size
        if size > 0:
            return max(1, int(round(size / 2.0)))  # given in full-resolution pixels
        return max(2, int(round(3.0 * h2 / 360.0)))

    def _object_boxes(self, alpha_cd: np.ndarray, clip_black: float, radius: int, work: list[Box]) -> list[Box]:
        """Boxes around the objects: blobs above the clip black that hold a clearly foreground pixel.

        Screen noise just above the clip black, far from any object, is left out (it stays 0).
        ``alpha_cd`` is 0 outside the ``work`` boxes, so only they are looked at.
        """
        h2, w2 = alpha_cd.shape
        if clip_black <= 0:  # nothing is screen noise: the whole frame
            return [(0, h2, 0, w2)]
        s = self.settings
        mask = self._arrays.take(alpha_cd.shape, np.uint8, work)
        seeds = self._arrays.take(alpha_cd.shape, np.uint8, work)
        for y0, y1, x0, x1 in work:
            part = alpha_cd[y0:y1, x0:x1]
            cv2.compare(part, min(clip_black, s.core_threshold), cv2.CMP_GT, dst=mask[y0:y1, x0:x1])
            cv2.compare(part, min(_HYST_STRONG * clip_black, s.core_threshold), cv2.CMP_GT, dst=seeds[y0:y1, x0:x1])
        boxes = seeded_boxes(mask, seeds, margin=core_margin(radius))
        self._arrays.give(mask, work)
        self._arrays.give(seeds, work)
        return boxes

    def _refine(
        self,
        alpha: np.ndarray,
        alpha_cd: np.ndarray,
        boxes: list[Box],
        cores: list[np.ndarray],
        inner: np.ndarray,
        lin: np.ndarray,
        lin_small: np.ndarray,
        plate: np.ndarray,
        clip_black: float,
        colours: SolidColours | None,
    ) -> tuple[SolidColours | None, SolidFill | None]:
        """Edge refinement (:func:`.refine.refine_band`) of the soft band around the solid core, in place.

        :returns: the solid colours used, if any, and the solid colour filled in around the band.
        """
        known = full_cells(inner, lin_small.shape[:2]).astype(np.float32)
        if not known.any():
            return None, None
        xs, ys, core_at = [], [], []
        for (y0, y1, x0, x1), core in zip(boxes, cores):
            band = cv2.compare(alpha_cd[y0:y1, x0:x1], max(clip_black, 0.01), cv2.CMP_GT)
            band &= cv2.compare(core, 0.99, cv2.CMP_LT)
            points = cv2.findNonZero(band)
            if points is None:
                continue
            points = points.reshape(-1, 2)
            px, py = points[:, 0], points[:, 1]
            core_at.append(core[py, px])
            xs.append(px + x0)
            ys.append(py + y0)
        if not xs:
            return None, None
        return refine_band(
            alpha,
            np.concatenate(xs),
            np.concatenate(ys),
            np.concatenate(core_at),
            lin,
            lin_small,
            plate,
            known,
            tolerance=self.settings.edge_tolerance,
            edge_white=self.settings.edge_white,
            colours=colours,
        )


def detect_screen_colour(lin_small: np.ndarray, screen: str) -> np.ndarray:
    """The typical colour (linear RGB) of the pixels that clearly show a ``screen`` screen."""
    d = screen_difference(lin_small, screen, 1.0)
    mask = d > 0.5 * max(float(np.percentile(d, 95)), 1e-4)
    pixels = lin_small[mask] if mask.any() else lin_small.reshape(-1, 3)
    return np.median(pixels, axis=0).astype(np.float32)
