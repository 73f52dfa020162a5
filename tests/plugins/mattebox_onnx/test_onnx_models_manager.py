"""The model manager: install from the cached wheel, verify, cards, downloads from a real HTTP server, bad models."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from onnx_signature_models import modnet_like, rvm_like

from mattebox.errors import MatteboxError
from mattebox_onnx.card import parse_card
from mattebox_onnx.errors import ModelError, ModelNotInstalledError
from mattebox_onnx.install import add_model, download, install_models
from mattebox_onnx.selection import choose_model
from mattebox_onnx.store import ModelStore
from mattebox.tasks import Task


def _cli(*argv: str) -> int:
    from mattebox.cli.main import main

    try:
        return int(main(list(argv)) or 0)
    except SystemExit as exc:  # argparse errors
        return int(exc.code or 0)


def test_cli_install_selfie_converts_from_the_cached_wheel(home: Path, model_cache: Path, capsys) -> None:
    cache = home / "cache" / "wheels"
    cache.mkdir(parents=True)
    for wheel in (model_cache / "wheels").glob("mediapipe-*.whl"):
        shutil.copy(wheel, cache)  # pip is not run again: the data dir's wheel cache is used
    assert _cli("models", "install", "selfie") == 0
    out = capsys.readouterr().out
    assert "installed selfie-general (Apache-2.0)" in out and "installed selfie-landscape" in out
    store = ModelStore()
    general = store.verify("selfie-general")
    assert general.source_sha256 == "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c"
    assert general.path.parent.parent == home / "models"
    assert _cli("models", "verify") == 0
    assert "ok      selfie-landscape" in capsys.readouterr().out


def test_corrupt_model_file_is_caught_by_verify_and_at_job_start(home: Path, model_cache: Path, capsys) -> None:
    src = ModelStore(root=model_cache / "models", extra=[]).get("selfie-general")
    store = ModelStore()
    model = store.record("selfie-general", src.path, source=src.source, licence=src.licence, card=src.card)
    data = bytearray(model.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt"):
        store.verify("selfie-general")
    assert _cli("models", "verify", "selfie-general") == 4
    out = capsys.readouterr().out
    assert "FAILED  selfie-general" in out and "mattebox models install selfie" in out

    from mattebox_onnx.processor import OnnxProcessor, Settings

    with pytest.raises(ModelError) as info:
        OnnxProcessor(model, Settings(provider="cpu")).prepare()
    assert info.value.code == "InternalServerError.Model"


def test_missing_model_names_the_install_command(home: Path) -> None:
    with pytest.raises(ModelNotInstalledError) as info:
        choose_model(Task.BODY, 1280, 720)
    assert info.value.hint == "run `mattebox models install selfie`"
    with pytest.raises(ModelNotInstalledError) as info:
        choose_model(Task.BODY, 1280, 720, "rvm")
    assert "mattebox models install rvm" in info.value.hint
    with pytest.raises(ModelNotInstalledError) as info:
        choose_model(Task.BODY, 1280, 720, "modnet")
    assert "mattebox models add modnet PATH" in info.value.hint


def test_default_models_per_task(selfie_home: Path, tmp_path: Path) -> None:
    assert choose_model(Task.HALFBODY, 1920, 1080)[0].name == "selfie-landscape"
    assert choose_model(Task.HALFBODY, 1080, 1920)[0].name == "selfie-general"
    model, note = choose_model(Task.BODY, 1920, 1080)
    assert model.name == "selfie-general" and "Robust Video Matting is not installed" in note
    add_model("rvm", str(rvm_like(tmp_path / "rvm_resnet50_fp16.onnx", fp16=True)))
    model, note = choose_model(Task.BODY, 1920, 1080)
    assert model.name == "rvm-resnet50-fp16" and note == ""


def test_model_whose_inputs_do_not_match_its_card(home: Path, tmp_path: Path) -> None:
    card = tmp_path / "card.toml"
    card.write_text('[input]\nname = "image"\nlayout = "NHWC"\nsize = "stretch"\n[output]\nname = "alpha"\n')
    with pytest.raises(ModelError) as info:
        add_model("portrait", str(modnet_like(tmp_path / "m.onnx")), card_path=str(card))
    msg = info.value.message
    assert "input 'image' not found (the model has input)" in msg
    assert "output 'alpha' not found" in msg
    assert "inputs the card does not feed: input" in msg
    assert ModelStore().find("portrait") is None


def test_custom_model_with_a_correct_card_runs(home: Path, tmp_path: Path, clip_frames) -> None:
    card = tmp_path / "card.toml"
    card.write_text('[input]\nname = "input"\nsize = "short-side"\nshort_side = 256\nmultiple = 32\n'
                    'mean = 0.5\nstd = 0.5\n[output]\nname = "output"\nactivation = "sigmoid"\n')
    model = add_model("portrait", str(modnet_like(tmp_path / "m.onnx")), card_path=str(card))
    assert model.card.short_side == 256 and model.card.activation == "sigmoid"
    from mattebox_onnx.processor import OnnxProcessor, Settings

    (res,) = OnnxProcessor(model, Settings(provider="cpu")).process(clip_frames("greenscreen_walker.mp4", 1))
    assert res.alpha.shape == (720, 1280)
    assert 0.0 < float(res.alpha.min()) and float(res.alpha.max()) < 1.0  # sigmoid of a mean in [-1, 1]


@pytest.mark.parametrize("text, fragment", [
    ('[input]\nname = "x"\n', "[input] name and [output] name are required"),
    ('[input]\nname = "x"\nlayout = "CHW"\n[output]\nname = "y"\n', "input.layout 'CHW'"),
    ('[input]\nname = "x"\nmean = [1, 2]\n[output]\nname = "y"\n', "input.mean must be"),
    ("[input\nname=", "not valid TOML"),
])
def test_bad_cards_are_explained(text: str, fragment: str) -> None:
    with pytest.raises(MatteboxError) as info:
        parse_card(text)
    assert fragment in info.value.message


@pytest.fixture
def http_server(tmp_path: Path):
    """A real HTTP server on 127.0.0.1 serving ``tmp_path/www``."""
    root = tmp_path / "www"
    root.mkdir()
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_download_checks_the_hash_and_reports_progress(http_server, tmp_path: Path) -> None:
    root, base = http_server
    payload = rvm_like(root / "rvm_mobilenetv3_fp32.onnx").read_bytes()
    seen = []
    dest = tmp_path / "got.onnx"
    digest = download(base + "rvm_mobilenetv3_fp32.onnx", dest, sha256=hashlib.sha256(payload).hexdigest(),
                      progress=lambda stage, done, total: seen.append((done, total)))
    assert dest.read_bytes() == payload and digest == hashlib.sha256(payload).hexdigest()
    assert seen[-1] == (len(payload), len(payload))
    with pytest.raises(ModelError, match="expected 0000"):
        download(base + "rvm_mobilenetv3_fp32.onnx", tmp_path / "bad.onnx", sha256="0" * 64)
    assert not (tmp_path / "bad.onnx").exists() and not (tmp_path / "bad.onnx.part").exists()
    with pytest.raises(MatteboxError, match="HTTP 404"):
        download(base + "missing.onnx", tmp_path / "m.onnx", sha256=None)


def test_offline_install_fails_fast_with_the_url_and_the_remedy(home: Path, monkeypatch) -> None:
    with socket.socket() as s:  # a port nobody listens on: the connection is refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from mattebox_onnx import catalog

    spec = catalog.CATALOG["rvm-mobilenetv3-fp32"]
    url = f"http://127.0.0.1:{port}/rvm_mobilenetv3_fp32.onnx"
    monkeypatch.setitem(catalog.CATALOG, spec.name, type(spec)(**{**spec.__dict__, "url": url}))
    start = time.monotonic()
    with pytest.raises(MatteboxError) as info:
        install_models("rvm")
    assert time.monotonic() - start < 10
    assert info.value.code == "InvalidFile.Download"
    assert url in info.value.message
    assert "mattebox models add rvm PATH" in info.value.hint
