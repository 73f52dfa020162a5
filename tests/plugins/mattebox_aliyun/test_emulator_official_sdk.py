"""The official SDK (alibabacloud-videoseg20200320) against the emulator: proof that the emulator
speaks the real protocol, in both signature styles the SDK can send."""

from __future__ import annotations

import json
import time

import av
import numpy as np
import pytest
import requests
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models
from alibabacloud_videoseg20200320 import models
from alibabacloud_videoseg20200320.client import Client
from aliyun_helpers import upload
from aliyun_helpers import ACCESS_KEY_ID, ACCESS_KEY_SECRET


def _sdk(emulator, **config) -> Client:
    return Client(open_api_models.Config(access_key_id=ACCESS_KEY_ID, access_key_secret=ACCESS_KEY_SECRET,
                                         endpoint=emulator.endpoint, protocol="http", region_id="cn-shanghai", **config))


def _wait(client: Client, job_id: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get_async_job_result_with_options(models.GetAsyncJobResultRequest(job_id=job_id), util_models.RuntimeOptions())
        if answer.body.data.status not in ("QUEUING", "PROCESSING") or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)


@pytest.mark.parametrize("signature", ["v3-default", "rpc-v1"])
def test_official_sdk_submits_segment_video_body_and_reads_the_result(emulator, small_clip, signature):
    url = upload(emulator, small_clip, "clips/small clip.mp4", key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET)
    # the SDK's default (V3, ACS3-HMAC-SHA256) or its "v2" algorithm, which sends the classic RPC v1 signature
    client = _sdk(emulator) if signature == "v3-default" else _sdk(emulator, signature_algorithm="v2")
    submitted = client.segment_video_body_with_options(models.SegmentVideoBodyRequest(video_url=url), util_models.RuntimeOptions())
    job_id = submitted.body.request_id
    assert submitted.status_code == 200 and job_id

    done = _wait(client, job_id)
    assert done.body.data.status == "PROCESS_SUCCESS", done.body.to_map()
    assert done.body.data.job_id == job_id
    result = json.loads(done.body.data.result)  # a JSON *string*, as the service sends it
    mask_path = emulator.workdir + "/downloaded.mp4"
    with requests.get(result["VideoUrl"], timeout=30) as r:
        r.raise_for_status()
        open(mask_path, "wb").write(r.content)
    with av.open(mask_path) as c:
        masks = [f.to_ndarray(format="gray") for f in c.decode(video=0)]
    assert len(masks) == 24 and masks[0].shape == (240, 320)
    assert all(m.dtype == np.uint8 for m in masks)
    assert emulator.stats()["submissions"] == {"user-bucket/clips/small clip.mp4": 1}


def test_official_sdk_sees_service_errors_with_code_and_request_id(emulator, small_clip):
    from alibabacloud_tea_openapi.exceptions import ClientException

    client = _sdk(emulator)
    with pytest.raises(ClientException) as err:
        client.segment_video_body_with_options(models.SegmentVideoBodyRequest(video_url="http://example.com/a.mp4"),
                                               util_models.RuntimeOptions())
    assert err.value.code == "InvalidFile.Region"
    assert err.value.request_id

    wrong = Client(open_api_models.Config(access_key_id=ACCESS_KEY_ID, access_key_secret="not-the-secret",
                                          endpoint=emulator.endpoint, protocol="http", region_id="cn-shanghai"))
    with pytest.raises(ClientException) as err:
        wrong.get_async_job_result_with_options(models.GetAsyncJobResultRequest(job_id="x"), util_models.RuntimeOptions())
    assert err.value.code == "SignatureDoesNotMatch"


def test_official_sdk_authorize_file_upload_against_the_emulator(emulator):
    from alibabacloud_openapi_util.client import Client as OpenApiUtilClient
    from alibabacloud_tea_openapi.client import Client as OpenApiClient

    auth_client = OpenApiClient(open_api_models.Config(access_key_id=ACCESS_KEY_ID, access_key_secret=ACCESS_KEY_SECRET,
                                                       endpoint=emulator.endpoint, protocol="http", region_id="cn-shanghai"))
    params = open_api_models.Params(action="AuthorizeFileUpload", version="2019-12-19", protocol="HTTP", pathname="/",
                                    method="GET", auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    request = open_api_models.OpenApiRequest(query=OpenApiUtilClient.query({"Product": "videoseg", "RegionId": "cn-shanghai"}))
    body = auth_client.call_api(params, request, util_models.RuntimeOptions())["body"]
    assert set(body) >= {"AccessKeyId", "Bucket", "EncodedPolicy", "Endpoint", "ObjectKey", "Signature", "UseAccelerate", "RequestId"}
    assert body["Endpoint"] == emulator.endpoint
