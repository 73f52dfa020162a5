"""``mattebox doctor`` lines for the ONNX backend: runtime, providers that really load, driver, models.

The current onnxruntime-gpu wheels target CUDA 13, which needs NVIDIA driver 580 or newer. A user
with an older driver gets told what to do: upgrade the driver, or install an onnxruntime-gpu
built for CUDA 12 in the runtime's environment.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

__all__ = ["CUDA13_MIN_DRIVER", "doctor_lines", "driver_advice", "nvidia_driver_version"]

log = logging.getLogger(__name__)

CUDA13_MIN_DRIVER = 580
CUDA12_PIN = "onnxruntime-gpu<1.27"


def nvidia_driver_version() -> str | None:
    """The NVIDIA driver version (``"575.57.08"``), or ``None`` where there is none."""
    proc_file = Path("/proc/driver/nvidia/version")
    try:
        text = proc_file.read_text()
        m = re.search(r"Kernel Module\s+([\d.]+)", text)
        if m:
            return m.group(1)
    except OSError:
        pass
    exe = shutil.which("nvidia-smi")
    if exe:
        try:
            out = subprocess.run([exe, "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True,
                                 text=True, timeout=10, check=False).stdout.strip().splitlines()
            return out[0].strip() if out else None
        except (OSError, subprocess.SubprocessError):
            return None
    return None


def driver_advice(driver: str | None, cuda_build: str | None) -> str | None:
    """What to do when the driver is too old for the installed CUDA build (``None`` when fine or not applicable)."""
    if not driver or not cuda_build:
        return None
    try:
        major_driver = int(driver.split(".")[0])
        major_cuda = int(cuda_build.split(".")[0])
    except ValueError:
        return None
    if major_cuda >= 13 and major_driver < CUDA13_MIN_DRIVER:
        return (f"driver {driver} is older than {CUDA13_MIN_DRIVER}, which this onnxruntime-gpu (CUDA {cuda_build}) needs: "
                f"upgrade the NVIDIA driver, or install a CUDA 12 build in mattebox's environment "
                f"(pip install '{CUDA12_PIN}' plus CUDA 12 and cuDNN 9)")
    return None


def _probe_model() -> bytes:
    """A tiny ONNX model (one Relu) for checking which providers load, built in memory."""
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "probe",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def doctor_lines() -> list[tuple[str, str]]:
    """``(label, value)`` lines for ``mattebox doctor``."""
    lines: list[tuple[str, str]] = []
    try:
        import onnxruntime as ort
    except ImportError as exc:
        return [("onnxruntime", f"NOT IMPORTABLE ({exc}); reinstall mattebox")]
    from .providers import available_providers, cuda_build_version, open_session
    from .store import ModelStore

    cuda = cuda_build_version()
    try:
        from onnxruntime.capi import build_and_package_info as info

        package = getattr(info, "package_name", "onnxruntime")
    except ImportError:
        package = "onnxruntime"
    lines.append(("onnxruntime", f"{package} {ort.__version__}" + (f" (CUDA {cuda})" if cuda else "")))
    lines.append(("providers built in", ", ".join(available_providers())))
    opened = open_session(_probe_model(), "auto", quiet_fallback=True)
    lines.append(("provider in use", opened.provider))
    for name, reason in opened.skipped.items():
        lines.append((f"  {name}", f"unavailable: {reason}"))
    driver = nvidia_driver_version()
    lines.append(("NVIDIA driver", driver or "none found"))
    advice = driver_advice(driver, cuda)
    if advice:
        lines.append(("  advice", advice))
    store = ModelStore()
    lines.append(("models folder", str(store.root)))
    models = store.list()
    lines.append(("models installed", ", ".join(m.name for m in models) or "none (run `mattebox models install selfie`)"))
    return lines
