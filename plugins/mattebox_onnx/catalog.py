"""The models mattebox knows by name: where each comes from, its SHA-256, licence and card.

Names group variants: ``selfie`` installs the MediaPipe general and landscape segmenters (taken
from the ``mediapipe==0.10.14`` wheel and converted to ONNX), ``rvm`` the Robust Video Matting
MobileNetV3 fp32 export (downloaded from its official release on request; GPL-3.0, never bundled),
``modnet`` a user-supplied MODNet export. Cheap to import: no onnxruntime here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .card import ModelCard

__all__ = ["CATALOG", "GROUPS", "MEDIAPIPE_WHEEL", "ModelSpec", "install_command", "spec_for"]

MEDIAPIPE_WHEEL = "mediapipe==0.10.14"
_RVM_RELEASE = "https://github.com/PeterL1n/RobustVideoMatting/releases/download/v1.0.0/"


@dataclass(frozen=True)
class ModelSpec:
    """A model mattebox can install.

    :param name: the installed name (``selfie-general``).
    :param title: one line for ``mattebox models list``.
    :param licence: the weights' licence.
    :param source: where the weights come from (URL or package member).
    :param sha256: the expected SHA-256 of the source file (``None``: recorded on first install).
    :param card: how to run it.
    :param url: a direct download URL, if any (``None`` for wheel-sourced or user-supplied models).
    :param member: the file inside the wheel, for wheel-sourced models.
    """

    name: str
    title: str
    licence: str
    source: str
    card: ModelCard
    sha256: str | None = None
    url: str | None = None
    member: str | None = None
    size_bytes: int | None = None


_SELFIE = "mediapipe/modules/selfie_segmentation/"
_RVM_CARD = ModelCard(
    input_name="src",
    output_name="pha",
    layout="NCHW",
    size="native",
    recurrent=(("r1i", "r1o"), ("r2i", "r2o"), ("r3i", "r3o"), ("r4i", "r4o")),
    ratio_input="downsample_ratio",
    foreground_output="fgr",
    temporal=True,
)


def _rvm(variant: str, sha: str | None, size: int | None) -> ModelSpec:
    file = f"rvm_{variant}.onnx"
    return ModelSpec(
        name=f"rvm-{variant.replace('_', '-')}",
        title=f"Robust Video Matting {variant.replace('_', ' ')} (video matting, recurrent)",
        licence="GPL-3.0",
        source=_RVM_RELEASE + file,
        card=_RVM_CARD,
        sha256=sha,
        url=_RVM_RELEASE + file,
        size_bytes=size,
    )


CATALOG: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in [
        ModelSpec(
            name="selfie-general",
            title="MediaPipe selfie segmentation, general 256×256 (offline default)",
            licence="Apache-2.0",
            source=f"PyPI {MEDIAPIPE_WHEEL}: {_SELFIE}selfie_segmentation.tflite",
            card=ModelCard(input_name="input_1", output_name="activation_10", layout="NHWC", size="stretch", width=256, height=256),
            sha256="9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
            member=_SELFIE + "selfie_segmentation.tflite",
        ),
        ModelSpec(
            name="selfie-landscape",
            title="MediaPipe selfie segmentation, landscape 144×256 (half body, wide frames)",
            licence="Apache-2.0",
            source=f"PyPI {MEDIAPIPE_WHEEL}: {_SELFIE}selfie_segmentation_landscape.tflite",
            card=ModelCard(input_name="input_1", output_name="segment_back", layout="NHWC", size="stretch", width=256, height=144),
            sha256="a77d03f4659b9f6b6c1f5106947bf40e99d7655094b6527f214ea7d451106edd",
            member=_SELFIE + "selfie_segmentation_landscape.tflite",
        ),
        _rvm("mobilenetv3_fp32", "88d4531297118f595bf2fd60f6f566aec2e559393802d1f436c380f0cbbd2828", 14_975_696),
        _rvm("mobilenetv3_fp16", None, None),
        _rvm("resnet50_fp32", None, None),
        _rvm("resnet50_fp16", None, None),
        ModelSpec(
            name="modnet",
            title="MODNet portrait matting (user-supplied ONNX export)",
            licence="Apache-2.0",
            source="the MODNet project's ONNX export (modnet_photographic_portrait_matting.onnx)",
            card=ModelCard(
                input_name="input", output_name="output", layout="NCHW", size="short-side", short_side=512, multiple=32,
                mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5),
            ),
        ),
    ]
}

GROUPS: dict[str, tuple[str, ...]] = {
    "selfie": ("selfie-general", "selfie-landscape"),
    "rvm": ("rvm-mobilenetv3-fp32",),
}


def spec_for(name: str) -> ModelSpec | None:
    """The catalog entry for ``name`` (``rvm-…``, ``selfie-…``, ``modnet``), or ``None``."""
    return CATALOG.get(name)


def install_command(name: str) -> str:
    """The command that installs ``name`` (what a "model missing" error tells the user)."""
    for group, members in GROUPS.items():
        if name in members or name == group:
            return f"mattebox models install {group}"
    spec = CATALOG.get(name)
    if spec is not None and spec.url:
        return f"mattebox models install {name}"
    family = name.split("-", 1)[0]
    return f"mattebox models add {family if family in ('rvm', 'modnet') else name} PATH"
