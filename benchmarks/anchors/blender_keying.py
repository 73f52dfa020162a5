"""Blender 5.0's Keying and Chroma Matte compositor nodes as anchors for the keyer benchmark.

Runs inside Blender's Python (the ``.venv-blender`` with bpy 5.0.1), as a subprocess of
``benchmarks/keyer_quality.py``: ``python blender_keying.py SPEC.json``. The spec names PNG frames
(decoded by mattebox, BT.709-correct), the ground truth (``.npy`` uint16, N×H×W), the node, the
input colour spaces to try and a grid of node settings. Every (colour space, settings) pair is
rendered through the compositor (matte to a 32-bit EXR), scored, and written to the spec's ``out``
JSON; the best pair's mattes are saved to ``best_alpha`` (``.npy`` uint16).

Key colours follow the image's colour space: scene-linear for sRGB images (Blender linearises
them), the raw code values for Non-Color images.
"""

from __future__ import annotations

import json
import os
import sys
import time

import bpy  # type: ignore[import-not-found]
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from matte_metrics import score_sequence  # noqa: E402

NODES = {"keying": "CompositorNodeKeying", "chroma": "CompositorNodeChromaMatte"}


def _srgb_to_linear(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _socket(node, identifier: str):
    for sock in node.inputs:
        if sock.identifier == identifier:
            return sock
    raise KeyError(f"{node.bl_idname} has no input {identifier!r}: {[s.identifier for s in node.inputs]}")


def _setup(spec: dict):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.data.scenes[0] if bpy.data.scenes else bpy.data.scenes.new("Scene")
    r = scene.render
    r.resolution_x, r.resolution_y, r.resolution_percentage = spec["width"], spec["height"], 100
    r.image_settings.file_format = "OPEN_EXR"
    r.image_settings.color_depth = "32"
    r.image_settings.color_mode = "RGB"
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    ng = bpy.data.node_groups.new("Anchor", "CompositorNodeTree")
    scene.compositing_node_group = ng
    ng.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
    image_node = ng.nodes.new("CompositorNodeImage")
    key = ng.nodes.new(NODES[spec["node"]])
    out = ng.nodes.new("NodeGroupOutput")
    ng.links.new(image_node.outputs["Image"], key.inputs["Image"])
    ng.links.new(key.outputs["Matte"], out.inputs[0])
    return scene, image_node, key


def main(spec_path: str) -> None:
    with open(spec_path) as fh:
        spec = json.load(fh)
    scene, image_node, key = _setup(spec)
    exr = os.path.join(spec["workdir"], "matte.exr")
    scene.render.filepath = exr
    truth = np.load(spec["truth"]).astype(np.float32) * (1.0 / 65535.0)
    h, w = spec["height"], spec["width"]
    images = [bpy.data.images.load(p, check_existing=False) for p in spec["frames"]]
    key_rgb = np.asarray(spec["key_rgb8"], np.float64) / 255.0
    results, best, best_alpha = [], None, None
    started = time.time()
    result_image = None
    buf = np.empty(h * w * 4, np.float32)
    for colorspace in spec["colorspaces"]:
        for img in images:
            img.colorspace_settings.name = colorspace
        key_colour = _srgb_to_linear(key_rgb) if colorspace == "sRGB" else key_rgb
        _socket(key, "Key Color").default_value = (*[float(c) for c in key_colour], 1.0)
        for settings in spec["grid"]:
            for name, value in settings.items():
                _socket(key, name).default_value = value
            mattes = np.empty((len(images), h, w), np.float32)
            for i, img in enumerate(images):
                image_node.image = img
                bpy.ops.render.render(write_still=True)
                if result_image is None:
                    result_image = bpy.data.images.load(exr, check_existing=False)
                else:
                    result_image.reload()
                result_image.pixels.foreach_get(buf)
                mattes[i] = np.flipud(buf.reshape(h, w, 4)[..., 0])
            np.clip(mattes, 0.0, 1.0, out=mattes)
            scores = score_sequence(mattes, truth)
            entry = {"colorspace": colorspace, "settings": settings, **scores}
            results.append(entry)
            if best is None or entry["mad"] < best["mad"]:
                best, best_alpha = entry, mattes
    np.save(spec["best_alpha"], (best_alpha * 65535.0 + 0.5).astype(np.uint16))
    with open(spec["out"], "w") as fh:
        json.dump(
            {"node": spec["node"], "best": best, "results": results, "seconds": time.time() - started}, fh, indent=1
        )


if __name__ == "__main__":
    main(sys.argv[-1])
