"""The emulator: one HTTP server (127.0.0.1 by default) speaking videoseg's RPC API and OSS.

``/`` is the RPC API (so the official SDK works with ``endpoint="127.0.0.1:P", protocol="http"``),
``/<bucket>/<key>`` is OSS path-style (what oss2 uses for an IP endpoint; buckets are created on
first use), and ``/_emulator/stats`` and ``/_emulator/faults`` let tests and benchmarks read what
happened and change the injected faults while it runs.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mattebox.tasks import Task

from .auth import Account, RpcAuthenticator
from .engine import JobEngine, LocalBackendEngine
from .faults import FaultPlan, FaultRule
from .http import HttpRequest, HttpResponse
from .jobs import JobRunner
from .objects import ObjectStore
from .oss import OssService, sign_object_url
from .rpc import DISCONNECT, RpcService

__all__ = ["Emulator", "EmulatorConfig"]

log = logging.getLogger(__name__)

_CHUNK = 256 * 1024


@dataclass
class EmulatorConfig:
    """How the emulator behaves.

    :param accounts: the AccessKeys it accepts (for the RPC API and for users' OSS buckets).
    :param port: 0 picks a free port.
    :param workers: jobs processed at once.
    :param queue_s: seconds a job stays QUEUING; ``processing_s``: the least time it stays PROCESSING.
    :param result_ttl_s: lifetime of result URLs after a job finishes (the service: 30 minutes).
    :param offered: segmentation actions still offered (default: all three).
    :param engine: what jobs run (default: the local backends, :class:`LocalBackendEngine`).
    :param engine_backends: the default engine's backend per task, where not the default.
    :param workdir: where objects are kept (default: a temporary folder removed on stop).
    """

    accounts: list[Account] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    workers: int = 2
    queue_s: float = 0.0
    processing_s: float = 0.0
    result_ttl_s: float = 1800.0
    skew_s: float = 900.0
    offered: set[str] | None = None
    faults: FaultPlan = field(default_factory=FaultPlan)
    engine: JobEngine | None = None
    engine_backends: dict[Task, str] = field(default_factory=dict)
    workdir: str | None = None


class Emulator:
    """The running emulator; a context manager (``with Emulator(config) as emu: emu.url``)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.platform = Account("LTAI5tPlatformUploadEmu", "emulator-platform-" + os.urandom(8).hex())
        self.faults = config.faults
        self._own_workdir = config.workdir is None
        self.workdir = config.workdir or tempfile.mkdtemp(prefix="mattebox-aliyun-emulator-")
        os.makedirs(self.workdir, exist_ok=True)
        accounts = {a.access_key_id: a for a in config.accounts}
        oss_accounts = {**accounts, self.platform.access_key_id: self.platform}
        self.store = ObjectStore(os.path.join(self.workdir, "oss"))
        self.oss = OssService(self.store, oss_accounts, self.platform)
        engine = config.engine or LocalBackendEngine(os.path.join(self.workdir, "engine"), config.engine_backends)
        self.jobs = JobRunner(self.store, engine, self.faults, self._sign_result, workdir=self.workdir,
                              workers=config.workers, queue_s=config.queue_s, processing_s=config.processing_s,
                              result_ttl_s=config.result_ttl_s)
        self.rpc = RpcService(RpcAuthenticator(accounts, skew_s=config.skew_s), self.jobs, self.store, self.oss, self.faults,
                              self.platform, own_hosts=self._own_hosts, oss_endpoint=lambda: self.endpoint,
                              offered=config.offered)
        self._server: ThreadingHTTPServer | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self.requests = 0

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> "Emulator":
        handler = type("EmulatorHandler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer((self.config.host, self.config.port), handler)
        self._server.daemon_threads = True
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="aliyun-emulator", daemon=True)
        self._thread.start()
        log.info("Alibaba Cloud videoseg emulator on %s", self.url)
        return self

    def stop(self) -> None:
        self.jobs.shutdown()  # running jobs see the cancel; queued ones never start
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the emulator has not been started")
        return self._port

    @property
    def endpoint(self) -> str:
        """``host:port`` (what the SDK and oss2 take as an endpoint)."""
        return f"{self.config.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def _own_hosts(self) -> set[str]:
        hosts = {self.endpoint, f"localhost:{self.port}", f"127.0.0.1:{self.port}"}
        return hosts

    def _sign_result(self, bucket: str, key: str, expires_at: int) -> str:
        return sign_object_url(self.url, bucket, key, self.platform, expires_at)

    # -- introspection ---------------------------------------------------------------------------

    def stats(self) -> dict:
        """What happened so far: submissions per input, jobs, billed seconds, refused submissions, injected faults."""
        jobs = self.jobs.jobs()
        return {
            "requests": self.requests,
            "submissions": dict(self.jobs.submissions),
            "billed_seconds": dict(self.jobs.billed_seconds),
            "refusals": list(self.rpc.refusals),
            "jobs": [{"JobId": j.job_id, "Action": j.action, "Status": j.status, "Input": f"{j.input_object.bucket}/{j.input_object.key}",
                      "ErrorCode": j.error_code} for j in jobs],
            "faults": self.faults.snapshot(),
        }

    def set_faults(self, specs: list[str]) -> None:
        """Replace the fault rules (``["busy:0.1", "drop:2x"]``)."""
        self.faults.set_rules([FaultRule.parse(s) for s in specs])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    emulator: Emulator
    server_version = "AliyunEmulator/1.0"

    def log_message(self, fmt: str, *args) -> None:  # route the server's log lines to logging
        log.debug("%s " + fmt, self.address_string(), *args)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _request(self) -> HttpRequest:
        split = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value.strip())
        joined = {k: ",".join(sorted(v)) for k, v in headers.items()}
        return HttpRequest(self.command, urllib.parse.unquote(split.path) or "/", query, joined, self._read_body(), split.path)

    def _handle(self) -> None:
        emu = self.emulator
        emu.requests += 1
        req = self._request()
        if req.path.startswith("/_emulator/"):
            return self._send(self._control(req))
        if req.path == "/":
            form = {}
            if req.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                form = dict(urllib.parse.parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
            result = emu.rpc.handle(req, form)
            if result is DISCONNECT:
                return self._disconnect()
            return self._send(result)
        if req.method in ("PUT", "POST"):
            fault = emu.faults.pick(("oss_disconnect", "slow"), "OSS")
            if fault == "oss_disconnect":
                return self._disconnect()
            if fault == "slow":
                time.sleep(emu.faults.slow_s)
        response = emu.oss.handle(req)
        if req.method == "GET" and response.file is not None:
            fault = emu.faults.pick(("drop", "slow"), "OSS")
            if fault == "drop":
                response.drop_after = response.file[2] // 2
            elif fault == "slow":
                time.sleep(emu.faults.slow_s)
        self._send(response)

    def _control(self, req: HttpRequest) -> HttpResponse:
        emu = self.emulator
        if req.path == "/_emulator/stats":
            return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(emu.stats()).encode())
        if req.path == "/_emulator/faults" and req.method == "POST":
            try:
                data = json.loads(req.body or b"{}")
                emu.set_faults(list(data.get("rules", [])))
                if "slow_s" in data:
                    emu.faults.slow_s = float(data["slow_s"])
            except (ValueError, TypeError) as exc:
                return HttpResponse(400, {"Content-Type": "application/json"}, json.dumps({"error": str(exc)}).encode())
            return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(emu.faults.snapshot()).encode())
        return HttpResponse(404, {"Content-Type": "application/json"}, b'{"error": "no such control endpoint"}')

    def _disconnect(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        headers = dict(response.headers)
        length = response.file[2] if response.file is not None else len(response.body)
        headers.setdefault("Content-Length", str(length))
        headers.setdefault("Date", self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        budget = response.drop_after
        try:
            if response.file is None:
                data = response.body if budget is None else response.body[:budget]
                self.wfile.write(data)
            else:
                path, offset, remaining = response.file
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    while remaining > 0:
                        n = min(_CHUNK, remaining) if budget is None else min(_CHUNK, remaining, budget)
                        if n <= 0:
                            break
                        block = fh.read(n)
                        if not block:
                            break
                        self.wfile.write(block)
                        remaining -= len(block)
                        if budget is not None:
                            budget -= len(block)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return
        if response.drop_after is not None:
            self._disconnect()

    def handle_one_request(self) -> None:  # noqa: D102 - dispatch every method to one place
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle
