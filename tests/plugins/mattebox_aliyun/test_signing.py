"""Signatures: the published test vectors, and agreement with the official ``alibabacloud_openapi_util``
signers on random parameter sets (Unicode included)."""

from __future__ import annotations

from types import SimpleNamespace

from alibabacloud_openapi_util.client import Client as OfficialUtil
from hypothesis import given, settings
from hypothesis import strategies as st

from mattebox_aliyun.signing import (
    V3_ALGORITHM,
    hex_sha256,
    parse_v3_authorization,
    pct,
    rpc_signature,
    rpc_string_to_sign,
    v3_authorization,
    v3_canonical_request,
    v3_signature,
)

PUBLISHED_PARAMS = {
    "Timestamp": "2016-02-23T12:46:24Z", "Format": "XML", "AccessKeyId": "testid", "Action": "DescribeRegions",
    "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Version": "2014-05-26", "SignatureVersion": "1.0",
}


def test_rpc_v1_reproduces_the_published_vector():
    assert rpc_string_to_sign("GET", PUBLISHED_PARAMS) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
        "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    )
    assert rpc_signature("testsecret", "GET", PUBLISHED_PARAMS) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_rpc_v1_reproduces_the_openapi_util_vector():
    assert rpc_signature("secret", "GET", {"query": "test", "body": "test"}) == "XlUyV4sXjOuX5FnjUz9IF9tm5rU="


def test_rpc_v1_ignores_an_existing_signature_parameter():
    signed = dict(PUBLISHED_PARAMS, Signature="anything")
    assert rpc_signature("testsecret", "GET", signed) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_percent_encoding_pitfalls():
    assert pct("a b+c*d~e/f") == "a%20b%2Bc%2Ad~e%2Ff"
    assert pct("视频.mp4") == "%E8%A7%86%E9%A2%91.mp4"


V3_BODY = b"VideoUrl=http%3A%2F%2Fexample-bucket.oss-cn-shanghai.aliyuncs.com%2Fclip.mp4"
V3_HEADERS = {
    "content-type": "application/x-www-form-urlencoded",
    "host": "videoseg.cn-shanghai.aliyuncs.com",
    "x-acs-action": "SegmentVideoBody",
    "x-acs-content-sha256": "ea7946eea75acf894ec4d087809eb25f3c400139385c20a7f2599b79baa60f3d",
    "x-acs-date": "2026-11-24T00:00:00Z",
    "x-acs-signature-nonce": "0123456789abcdef0123456789abcdef",
    "x-acs-version": "2020-03-20",
}


def test_v3_reproduces_the_documented_vector():
    assert hex_sha256(V3_BODY) == V3_HEADERS["x-acs-content-sha256"]
    canonical = v3_canonical_request("POST", "/", {}, V3_HEADERS, list(V3_HEADERS), hex_sha256(V3_BODY))
    assert hex_sha256(canonical.encode()) == "0bd7a3e50e50493164ac291e4d88f20c6b136d9fd0ac450dc8dd9d033638648b"
    assert v3_signature("testsecret", canonical) == "4f8589e6cb8bdc2764dbf8e76d5f92fcbb8cd8a4e2c873c35606eb126492be96"
    auth = v3_authorization("testid", "testsecret", "POST", "/", {}, V3_HEADERS, hex_sha256(V3_BODY))
    parsed = parse_v3_authorization(auth)
    assert parsed is not None
    assert parsed.access_key_id == "testid"
    assert parsed.signed_headers == sorted(V3_HEADERS)
    assert parsed.signature == "4f8589e6cb8bdc2764dbf8e76d5f92fcbb8cd8a4e2c873c35606eb126492be96"


def test_v3_canonical_headers_are_followed_by_a_blank_line():
    canonical = v3_canonical_request("POST", "/", {}, {"host": "h"}, ["host"], "x")
    assert canonical.split("\n") == ["POST", "/", "", "host:h", "", "host", "x"]


def test_parse_v3_authorization_rejects_other_schemes():
    assert parse_v3_authorization("OSS id:sig") is None
    assert parse_v3_authorization(f"{V3_ALGORITHM} Credential=a,Signature=b") is None


# -- property tests against the official signers -------------------------------------------------

# Any Unicode (no surrogates, which UTF-8 cannot encode) in names and values. ``Signature`` is the one
# reserved name: the service (and our signer) leave it out, the official helper is only ever called before it exists.
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
params = st.dictionaries(unicode_text.filter(lambda k: k and k != "Signature"), unicode_text, max_size=8)
secrets_ = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(params=params, secret=secrets_, method=st.sampled_from(["GET", "POST"]))
def test_rpc_v1_agrees_with_the_official_signer(params, secret, method):
    assert rpc_signature(secret, method, params) == OfficialUtil.get_rpcsignature(dict(params), method, secret)


# The official V3 signer leaves query *names* unencoded (the API's names are ASCII identifiers, where
# encoding is the identity), so names are drawn from that alphabet; values and bodies are any Unicode.
names = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."), min_size=1, max_size=16)
header_names = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-"), min_size=1, max_size=16).map(lambda s: "x-acs-" + s)
header_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=24)


@settings(max_examples=300, deadline=None)
@given(
    query=st.dictionaries(names, unicode_text, max_size=6),
    extra_headers=st.dictionaries(header_names, header_values, max_size=5),
    body=unicode_text,
    secret=secrets_,
    method=st.sampled_from(["GET", "POST"]),
    path=st.sampled_from(["/", "/path/x"]),
)
def test_v3_agrees_with_the_official_signer(query, extra_headers, body, secret, method, path):
    payload = hex_sha256(body.encode("utf-8"))
    headers = {"host": "videoseg.cn-shanghai.aliyuncs.com", "content-type": "application/x-www-form-urlencoded",
               "x-acs-content-sha256": payload, **extra_headers}
    request = SimpleNamespace(method=method, pathname=path, query=dict(query), headers=dict(headers))
    official = OfficialUtil.get_authorization(request, V3_ALGORITHM, payload, "AKID", secret)
    assert v3_authorization("AKID", secret, method, path, query, headers, payload) == official
