"""Against the real Alibaba Cloud service (``pytest -m live``): runs only with an AccessKey in the
environment (ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET). It bills about 0.02 CNY:
one second of SegmentVideoBody output; status queries and refused calls are free."""

from __future__ import annotations

import os

import av
import pytest

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not (os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID") and os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")),
                       reason="needs ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
]


@pytest.fixture(autouse=True)
def real_endpoint(monkeypatch):
    monkeypatch.delenv("MATTEBOX_ALIYUN_ENDPOINT", raising=False)


@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_the_real_service_accepts_our_signatures(signature):
    from mattebox.errors import MatteboxError
    from mattebox_aliyun.client import RpcClient
    from mattebox_aliyun.credentials import resolve_credentials
    from mattebox_aliyun.endpoints import Endpoints

    client = RpcClient(resolve_credentials(), signature=signature)
    with pytest.raises(MatteboxError) as err:  # a free call: no such job
        client.call(Endpoints.resolve().videoseg, "GetAsyncJobResult", "2020-03-20", {"JobId": "mattebox-live-test-no-such-job"})
    assert err.value.code not in ("SignatureDoesNotMatch", "IncompleteSignature", "InvalidAccessKeyId.NotFound")
    assert err.value.request_id


def test_body_end_to_end_on_the_real_service(shared_clip, tmp_path):
    from mattebox import api

    out = tmp_path / "live.mkv"
    job = api.run("body", shared_clip("greenscreen_walker.mp4"), out, backend="aliyun", frames=(0, 29),
                  options={"max-charge": "0.1"})
    assert job.status.value == "PROCESS_SUCCESS"
    with av.open(str(out)) as c:
        mattes = [f.to_ndarray(format="gray") for f in c.decode(video=0)]
    assert len(mattes) == 30 and mattes[0].shape == (720, 1280)
    assert all(0.01 < (m > 127).mean() < 0.3 for m in mattes)  # one walking person
