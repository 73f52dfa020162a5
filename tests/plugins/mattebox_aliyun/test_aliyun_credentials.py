"""Credentials from the standard places, in order, and a secret that never shows."""

from __future__ import annotations

import json

import pytest

from mattebox.errors import MatteboxError
from mattebox_aliyun.credentials import Credentials, resolve_credentials


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def _write_profiles(home, current="default"):
    cfg = home / ".aliyun" / "config.json"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(json.dumps({"current": current, "profiles": [
        {"name": "default", "mode": "AK", "access_key_id": "LTAIprofile01", "access_key_secret": "profile-secret"},
        {"name": "sts", "mode": "StsToken", "access_key_id": "STS.key", "access_key_secret": "sts-secret", "sts_token": "tok"},
        {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"},
    ]}))
    return cfg


def test_explicit_then_environment_then_profile(clean_env, monkeypatch):
    _write_profiles(clean_env)
    explicit = Credentials("LTAIexplicit", "explicit-secret")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
    assert resolve_credentials(explicit) is explicit
    env = resolve_credentials()
    assert (env.access_key_id, env.access_key_secret, env.source) == ("LTAIenv", "env-secret", "the environment")
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "env-token")
    assert resolve_credentials().security_token == "env-token"
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    prof = resolve_credentials()
    assert (prof.access_key_id, prof.access_key_secret, prof.security_token) == ("LTAIprofile01", "profile-secret", None)
    assert "profile 'default'" in prof.source


def test_named_profiles_sts_and_unsupported_modes(clean_env, monkeypatch):
    _write_profiles(clean_env)
    sts = resolve_credentials(profile="sts")
    assert (sts.access_key_id, sts.security_token) == ("STS.key", "tok")
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "sts")
    assert resolve_credentials().access_key_id == "STS.key"
    with pytest.raises(MatteboxError) as err:
        resolve_credentials(profile="nope")
    assert err.value.code == "InvalidAccessKeyId.NotFound" and "default, role, sts" in err.value.message
    with pytest.raises(MatteboxError) as err:
        resolve_credentials(profile="role")
    assert "RamRoleArn" in err.value.message


def test_nothing_configured_says_where_it_looked(clean_env):
    with pytest.raises(MatteboxError) as err:
        resolve_credentials()
    assert err.value.code == "InvalidAccessKeyId.NotFound"
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in err.value.message and ".aliyun/config.json" in err.value.message
    assert "aliyun configure" in err.value.hint


def test_incomplete_environment_is_an_error(clean_env, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIonly")
    with pytest.raises(MatteboxError) as err:
        resolve_credentials()
    assert err.value.code == "InvalidAccessKeyId.NotFound" and "environment" in err.value.message


def test_the_secret_never_shows():
    creds = Credentials("LTAI5tABCDEFGH", "super-secret-value", "sts-token-value", source="the environment")
    for text in (repr(creds), str(creds), creds.describe()):
        assert "super-secret-value" not in text and "sts-token-value" not in text
    assert creds.describe() == "LTAI…EFGH from the environment (STS)"
