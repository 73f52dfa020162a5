"""Errors of the ONNX backend, each a :class:`~mattebox.errors.MatteboxError` with a videoseg code.

A model problem (missing, corrupt, not matching its card, failing to load) is
``InternalServerError.Model`` as the service would say, with a hint that names the command that
fixes it; an unusable execution provider is ``InvalidParameter`` (the user forced it).
"""

from __future__ import annotations

from mattebox.errors import MatteboxError

__all__ = ["ConversionError", "ModelError", "ModelNotInstalledError", "ProviderError"]


class ModelError(MatteboxError):
    """A model file that is corrupt, has the wrong hash, or does not match its card."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__("InternalServerError.Model", message, hint=hint)


class ModelNotInstalledError(ModelError):
    """A model that is not installed; the hint names the install command."""

    def __init__(self, name: str, install: str) -> None:
        super().__init__(f"the model {name!r} is not installed", hint=f"run `{install}`")
        self.model_name = name


class ConversionError(ModelError):
    """A TFLite model that the converter cannot read or translate."""

    def __init__(self, message: str) -> None:
        super().__init__(
            f"TFLite → ONNX conversion failed: {message}",
            hint="reinstall with `mattebox models install selfie`; other TFLite models are not supported",
        )


class ProviderError(MatteboxError):
    """An execution provider that was asked for but cannot run here."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__("InvalidParameter", message, hint=hint or "run `mattebox doctor` to see the providers that work here")
