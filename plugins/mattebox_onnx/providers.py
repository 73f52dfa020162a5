"""Execution providers: pick the fastest that really works, and say in one line why one did not.

Preference: TensorRT, CUDA, CoreML, DirectML, then CPU. ONNX Runtime lists a provider whenever the
installed package was built with it, even when its libraries cannot load (the usual case: the CUDA
libraries are missing or the driver is too old); it then prints a wall of native logs and quietly
runs on the CPU. Here each candidate is tried with the native output captured, a provider that
did not take is reported with one clear line (the missing library), and the next one is tried.
A provider the user forced (``--provider cuda``) that does not load is an error instead.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, Iterator

from .errors import ModelError, ProviderError

__all__ = ["PROVIDERS", "OpenedSession", "available_providers", "cpu_threads", "cuda_build_version", "open_session"]

log = logging.getLogger(__name__)

PROVIDERS: dict[str, str] = {
    "tensorrt": "TensorrtExecutionProvider",
    "cuda": "CUDAExecutionProvider",
    "coreml": "CoreMLExecutionProvider",
    "directml": "DmlExecutionProvider",
    "cpu": "CPUExecutionProvider",
}
_GPU = ("tensorrt", "cuda")
_preloaded = False


@dataclass
class OpenedSession:
    """A session and the provider it really runs on (``cuda``, ``cpu``, …), plus why others were skipped."""

    session: Any
    provider: str
    skipped: dict[str, str]

    @property
    def on_gpu(self) -> bool:
        return self.provider in _GPU or self.provider == "directml"

    @property
    def device(self) -> str:
        """The OrtValue device name for IO binding (``cuda`` or ``cpu``)."""
        return "cuda" if self.provider in _GPU else "cpu"


def available_providers() -> list[str]:
    """Provider short names the installed onnxruntime was built with, in preference order."""
    import onnxruntime as ort

    built = set(ort.get_available_providers())
    return [short for short, full in PROVIDERS.items() if full in built]


def cuda_build_version() -> str | None:
    """The CUDA version the installed onnxruntime-gpu was built for (``"13.0"``), if it is a CUDA build."""
    try:
        from onnxruntime.capi import build_and_package_info as info
    except ImportError:
        return None
    return getattr(info, "cuda_version", None) or None


@contextlib.contextmanager
def _captured_native_output() -> Iterator[list[str]]:
    """Redirect fds 1 and 2 (native logs and Python prints alike) into a buffer for the block."""
    lines: list[str] = []
    printed = io.StringIO()  # Python-level prints, wherever sys.stdout points (it need not be fd 1)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                yield lines
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            lines.extend(sink.read().decode("utf-8", "replace").splitlines())
            lines.extend(printed.getvalue().splitlines())


def _reason(lines: list[str], exc: BaseException | None) -> str:
    """The one useful fact in ONNX Runtime's failure output (usually a missing shared library)."""
    text = "\n".join(lines) + ("\n" + str(exc) if exc else "")
    missing = re.findall(r"(lib[\w.+-]+\.so[\w.]*|[\w.-]+\.dll): cannot open shared object file|could not load ([\w.-]+\.dll)", text)
    names = sorted({a or b for a, b in missing})
    if names:
        return "missing " + ", ".join(names)
    for pattern in (r"with error: (.+)", r"\[ONNXRuntimeError\] : \d+ : \w+ : (.+)", r"(CUDA driver version is insufficient.*)"):
        m = re.search(pattern, text)
        if m:
            return m.group(1).strip()[:160]
    return (str(exc).strip().splitlines() or ["it was not used"])[0][:160] if exc else "it was not used (ONNX Runtime fell back to the CPU)"


def _preload_gpu_libraries() -> None:
    """Let onnxruntime-gpu find CUDA/cuDNN installed as pip packages (``nvidia-*``), quietly."""
    global _preloaded
    if _preloaded:
        return
    _preloaded = True
    import onnxruntime as ort

    if hasattr(ort, "preload_dlls"):
        with _captured_native_output():
            try:
                ort.preload_dlls()
            except Exception:  # missing libraries are reported by the session attempt itself
                pass


def _provider_options(short: str, cache_dir: str | None) -> dict[str, Any]:
    if short == "tensorrt" and cache_dir:
        return {"trt_engine_cache_enable": True, "trt_engine_cache_path": cache_dir, "trt_timing_cache_enable": True}
    return {}


def cpu_threads(requested: int | None = None) -> int:
    """ONNX Runtime's intra-op threads: ``requested``, else a quarter of the cores (at least one).

    A job decodes and encodes in threads of its own beside the model; ONNX Runtime's default (a
    thread per core, spinning while it waits for work) takes the cores they need: on two cores it
    made a 1080p job 1.7x slower than one thread on the calling thread.
    """
    if requested:
        return int(requested)
    return max(1, (os.cpu_count() or 1) // 4)


def _report_fallback(skipped: dict[str, str], used: str, quiet: bool) -> None:
    if skipped:
        why = "; ".join(f"{name}: {reason}" for name, reason in skipped.items())
        (log.info if quiet else log.warning)("running on %s: %s provider%s unavailable (%s)", used,
                                             "/".join(skipped), "s" if len(skipped) > 1 else "", why)


def open_session(model: str | bytes | os.PathLike, provider: str = "auto", *, threads: int | None = None,
                 cache_dir: str | None = None, quiet_fallback: bool = False) -> OpenedSession:
    """Open ``model`` on the best working provider (``auto``) or on the one named.

    :param provider: ``auto`` or a key of :data:`PROVIDERS`.
    :param threads: CPU threads for the CPU provider (``None``: :func:`cpu_threads` picks).
    :param cache_dir: where TensorRT may cache its engines.
    :raises ProviderError: a forced provider that is unknown, not built in, or fails to load.
    :raises ModelError: a model file ONNX Runtime cannot load at all.
    """
    import onnxruntime as ort

    provider = (provider or "auto").lower()
    if provider != "auto" and provider not in PROVIDERS:
        raise ProviderError(f"unknown provider {provider!r}; choose auto or one of: {', '.join(PROVIDERS)}")
    built = available_providers()
    if provider != "auto" and provider not in built:
        raise ProviderError(f"this onnxruntime has no {provider} provider (it has: {', '.join(built)})")
    candidates = built if provider == "auto" else [provider]
    ort.set_default_logger_severity(3)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = cpu_threads(threads)
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # idle threads must not spin on cores the codecs need
    source = model if isinstance(model, bytes) else os.fspath(model)
    skipped: dict[str, str] = {}
    for short in candidates:
        if short in _GPU:
            _preload_gpu_libraries()
        exc: BaseException | None = None
        session = None
        if short == "cpu":
            try:
                session = ort.InferenceSession(source, sess_options=opts, providers=[PROVIDERS["cpu"]])
            except Exception as err:
                first = (str(err).strip().splitlines() or [type(err).__name__])[0]
                raise ModelError(f"ONNX Runtime cannot load the model ({first[:200]})") from None
            _report_fallback(skipped, "cpu", quiet_fallback)
            return OpenedSession(session, "cpu", skipped)
        with _captured_native_output() as lines:
            try:
                session = ort.InferenceSession(
                    source, sess_options=opts, providers=[(PROVIDERS[short], _provider_options(short, cache_dir)), PROVIDERS["cpu"]]
                )
            except Exception as err:
                exc = err
        if session is not None and session.get_providers()[0] == PROVIDERS[short]:
            _report_fallback(skipped, short, quiet_fallback)
            return OpenedSession(session, short, skipped)
        reason = _reason(lines, exc)
        skipped[short] = reason
        if provider != "auto":
            hint = None
            if short in _GPU:
                hint = "check the NVIDIA driver and CUDA libraries with `mattebox doctor`, or run with --provider cpu"
            raise ProviderError(f"the {short} provider failed to load: {reason}", hint=hint)
    raise ProviderError("no execution provider could load the model")
