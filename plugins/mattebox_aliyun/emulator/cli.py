"""``mattebox emulate aliyun``: run the videoseg emulator in the foreground until Ctrl-C.

Prints one line, ``aliyun emulator listening on http://HOST:PORT``, once it accepts requests, so
scripts and tests can wait for it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

__all__ = ["add_emulate_command"]


def add_emulate_command(subparsers: argparse._SubParsersAction) -> None:
    emulate = subparsers.add_parser("emulate", help="run a local emulator of a cloud backend's service")
    esub = emulate.add_subparsers(dest="emulate_service", metavar="SERVICE")
    p = esub.add_parser(
        "aliyun", help="Alibaba Cloud videoseg + OSS on one local port",
        description="A protocol-faithful local emulator of Alibaba Cloud videoseg (RPC API at /, OSS path-style at "
                    "/<bucket>/<key>). Point the backend at it with --endpoint http://127.0.0.1:PORT or "
                    "MATTEBOX_ALIYUN_ENDPOINT.",
    )
    p.add_argument("--port", type=int, default=8765, help="port (0: any free one; default 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--access-key-id", default=os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID"), help="the AccessKey ID it accepts")
    p.add_argument("--access-key-secret", default=None,
                   help="its secret (default: $ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
    p.add_argument("--security-token", default=None, help="require this STS security token with the key")
    p.add_argument("--workers", type=int, default=2, help="jobs processed at once (default 2)")
    p.add_argument("--queue-time", type=float, default=0.0, help="seconds each job stays QUEUING")
    p.add_argument("--processing-time", type=float, default=0.0, help="least seconds each job stays PROCESSING")
    p.add_argument("--result-ttl", type=float, default=1800.0, help="seconds result URLs stay valid (service: 1800)")
    p.add_argument("--drop-action", action="append", default=[], metavar="ACTION",
                   help="answer this segmentation action with InvalidAction.NotFound, as a dropped action (repeatable)")
    p.add_argument("--fault", action="append", default=[], metavar="KIND[:RATE|:Nx][@ACTIONS]",
                   help="inject a fault: busy, throttling, disconnect, slow, drop, oss_disconnect, process_failed, "
                        "timeout_failed, limit_retry_failed, code=CODE (repeatable), e.g. busy:0.1, drop:2x, "
                        "code=InvalidFile.Category:1x@SegmentVideoBody")
    p.add_argument("--slow", type=float, default=2.0, help="delay of the slow fault in seconds")
    p.add_argument("--seed", type=int, default=None, help="random seed of the faults")
    p.add_argument("--engine", choices=("local", "luma"), default="local",
                   help="what jobs run: local (mattebox's local backends: real mattes; default) or luma (no model: "
                        "each frame's luma is its mask)")
    p.add_argument("--engine-backend", action="append", default=[], metavar="TASK=BACKEND",
                   help="local backend that processes a task's jobs (default body/halfbody=onnx, greenscreen=keyer)")
    p.add_argument("--workdir", default=None, help="keep objects here (default: a temporary folder)")
    p.set_defaults(func=cmd_emulate_aliyun)
    emulate.set_defaults(func=lambda args: (emulate.print_help(), 2)[1])


def cmd_emulate_aliyun(args: argparse.Namespace) -> int:
    from mattebox.errors import MatteboxError
    from mattebox.tasks import Task

    from . import Account, Emulator, EmulatorConfig, FaultPlan, FaultRule
    from .engine import LumaEngine
    from .rpc import ACTIONS

    secret = args.access_key_secret or os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    if not args.access_key_id or not secret:
        raise MatteboxError("MissingParameter", "the emulator needs --access-key-id and --access-key-secret "
                            "(or ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET)")
    unknown = [a for a in args.drop_action if a not in ACTIONS]
    if unknown:
        raise MatteboxError("InvalidParameter", f"--drop-action {unknown[0]}: choose from {', '.join(ACTIONS)}")
    try:
        rules = [FaultRule.parse(spec) for spec in args.fault]
        engine_backends = {Task.parse(k): v for k, _, v in (s.partition("=") for s in args.engine_backend)}
    except ValueError as exc:
        raise MatteboxError("InvalidParameter", str(exc)) from None
    config = EmulatorConfig(
        accounts=[Account(args.access_key_id, secret, args.security_token)], host=args.host, port=args.port,
        workers=args.workers, queue_s=args.queue_time, processing_s=args.processing_time, result_ttl_s=args.result_ttl,
        offered=set(ACTIONS) - set(args.drop_action), faults=FaultPlan(rules, seed=args.seed, slow_s=args.slow),
        engine_backends=engine_backends, workdir=args.workdir, engine=LumaEngine() if args.engine == "luma" else None,
    )
    emulator = Emulator(config)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        emulator.start()
    except OSError as exc:
        raise MatteboxError("InvalidParameter", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    print(f"aliyun emulator listening on {emulator.url}", flush=True)
    try:
        stop.wait()
    finally:
        emulator.stop()
    print("aliyun emulator stopped", file=sys.stderr)
    return 0
