"""The extension package: built by Blender's extension CLI, valid, self-contained, installable without Blender."""

from __future__ import annotations

import hashlib
import base64
import os
import subprocess
import sys
import tomllib
import zipfile

import pytest

import mattebox
from blender_harness import REPO, make_blender_env, run_scenario

sys.path.insert(0, str(REPO / "installers"))
import blender_extension  # noqa: E402
from host_wheel import build_host_wheel  # noqa: E402


def test_zip_holds_the_addon_its_manifest_and_both_wheels(extension_zip):
    assert os.path.basename(extension_zip) == f"mattebox-{mattebox.__version__}.zip"
    with zipfile.ZipFile(extension_zip) as zf:
        names = set(zf.namelist())
        manifest = tomllib.loads(zf.read("blender_manifest.toml").decode())
    assert manifest["id"] == "mattebox" and manifest["type"] == "add-on" and manifest["version"] == mattebox.__version__
    assert manifest["blender_version_min"] == "4.2.0" and manifest["license"] == ["SPDX:Apache-2.0"]
    assert sorted(manifest["wheels"]) == sorted(["./wheels/pyblish_base-1.8.12-py2.py3-none-any.whl",
                                                  f"./wheels/mattebox_host-{mattebox.__version__}-py3-none-any.whl"])
    assert {w[2:] for w in manifest["wheels"]} <= names
    assert {"__init__.py", "operators.py", "gui.py", "preferences.py", "api/timeline.py", "plugins/publish/collect_strips.py",
            "plugins/publish/integrate_keyed_strip.py", "plugins/publish/integrate_matte_strip.py"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_blenders_cli_validates_the_zip(extension_zip):
    cli = blender_extension.find_extension_cli()
    proc = subprocess.run([sys.executable, cli, "validate", extension_zip], capture_output=True, text=True)
    assert proc.returncode == 0 and "Success" in proc.stdout, proc.stdout + proc.stderr


def test_host_wheel_is_complete_and_its_record_true(tmp_path):
    wheel = build_host_wheel(str(tmp_path))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        record = zf.read(f"mattebox_host-{mattebox.__version__}.dist-info/RECORD").decode().splitlines()
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            if not digest:
                continue
            data = zf.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), name
            assert int(size) == len(data)
    publish = sorted(p.relative_to(REPO / "core").as_posix() for p in (REPO / "core" / "mattebox" / "publish").rglob("*.py"))
    assert sorted(n for n in names if n.startswith("mattebox/publish/")) == publish
    assert "mattebox/__init__.py" in names and not [n for n in names if n.startswith("mattebox/") and "publish" not in n
                                                     and n != "mattebox/__init__.py"]
    # installs with pip and imports on its own: no runtime module comes along
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target), wheel],
                   check=True, capture_output=True)
    code = f"import sys; sys.path.insert(0, {str(target)!r}); import mattebox.publish, mattebox.publish.session; print(mattebox.publish.__file__)"
    proc = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith(str(target)), proc.stderr


def test_install_without_a_blender_binary_then_enable(tmp_path, extension_zip, mattebox_home):
    env = make_blender_env(tmp_path, mattebox_home)
    del env["BLENDER_USER_RESOURCES"]  # the real per-user layout: ~/.config/blender/<version>
    config = os.path.join(env["XDG_CONFIG_HOME"], "blender")
    with pytest.raises(blender_extension.ExtensionError, match="no Blender 4.2\\+ settings folder"):
        blender_extension.install_for_user(config, env, zip_path=extension_zip, blender="")
    os.makedirs(os.path.join(config, "5.0"))
    os.makedirs(os.path.join(config, "3.6"))  # too old: left alone
    installed = blender_extension.install_for_user(config, {"PATH": ""}, zip_path=extension_zip)
    target = os.path.join(config, "5.0", "extensions", "user_default", "mattebox")
    site = os.path.join(config, "5.0", "extensions", ".local", "lib", "python3.11", "site-packages")
    assert target in installed and os.path.join(site, "mattebox") in installed and os.path.join(site, "pyblish") in installed
    assert not os.path.exists(os.path.join(config, "3.6", "extensions"))
    again = blender_extension.install_for_user(config, {"PATH": ""}, zip_path=extension_zip)
    assert again == []  # nothing new: an uninstaller keeps the first list
    result = run_scenario("enable_installed", {}, env, tmp_path)
    assert result["enabled"] and result["operator"] and result["panel"] and result["scene_settings"] == "greenscreen"
    assert result["publish_from"].startswith(site)
