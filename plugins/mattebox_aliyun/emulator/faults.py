"""Faults the emulator injects on demand, to prove that clients survive the service's bad days.

A rule names a fault and when it strikes: with a probability per eligible request (``busy:0.1``)
or for the next N eligible requests (``busy:3x``), optionally only for some actions
(``busy:0.2@SegmentVideoBody``). The plan counts every fault it injected.

=====================  ==================================================================
kind                   effect
=====================  ==================================================================
``busy``               RPC answers 500 ``InternalServerError.Busy`` (nothing is done)
``throttling``         RPC answers 400 ``Throttling`` (nothing is done)
``disconnect``         RPC connection closed before the request is processed
``slow``               RPC or OSS answer delayed by ``slow_s`` seconds
``drop``               OSS download: the connection drops halfway through the body
``oss_disconnect``     OSS upload: the connection closes after the body, nothing stored
``process_failed``     a submitted job ends in PROCESS_FAILED (``InternalServerError.Algo``)
``timeout_failed``     a submitted job ends in TIMEOUT_FAILED
``limit_retry_failed`` a submitted job ends in LIMIT_RETRY_FAILED
``code=CODE``          RPC answers the service error CODE with its HTTP status
=====================  ==================================================================
"""

from __future__ import annotations

import collections
import random
import threading
from dataclasses import dataclass, field

__all__ = ["FAULT_KINDS", "FaultPlan", "FaultRule"]

FAULT_KINDS = ("busy", "throttling", "disconnect", "slow", "drop", "oss_disconnect", "process_failed",
               "timeout_failed", "limit_retry_failed", "code")


@dataclass
class FaultRule:
    """One fault: ``rate`` (0..1) per eligible request, or the next ``count`` eligible requests."""

    kind: str
    rate: float = 0.0
    count: int = 0
    actions: frozenset[str] | None = None
    code: str | None = None  # for kind "code": the error to answer

    @classmethod
    def parse(cls, spec: str) -> "FaultRule":
        """``KIND[:RATE|:Nx][@Action,Action]``; raises ``ValueError`` naming the valid kinds."""
        text, _, actions = spec.strip().partition("@")
        kind, _, amount = text.partition(":")
        kind, _, code = kind.strip().partition("=")
        kind = kind.lower().replace("-", "_")
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; kinds: {', '.join(FAULT_KINDS)}")
        if (kind == "code") != bool(code):
            raise ValueError("give the error code as code=CODE (and only for that kind)")
        rule = cls(kind, actions=frozenset(a.strip() for a in actions.split(",") if a.strip()) or None, code=code or None)
        amount = amount.strip() or "1x"
        if amount.endswith("x"):
            rule.count = int(amount[:-1])
        else:
            rule.rate = float(amount)
            if not 0.0 <= rule.rate <= 1.0:
                raise ValueError(f"fault rate {rule.rate} is not within 0..1")
        return rule

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "rate": self.rate, "count": self.count, "actions": sorted(self.actions or [])}
        if self.code:
            data["code"] = self.code
        return data


@dataclass
class FaultPlan:
    """The active rules, a seeded random source, and what was injected so far."""

    rules: list[FaultRule] = field(default_factory=list)
    seed: int | None = None
    slow_s: float = 2.0
    injected: collections.Counter = field(default_factory=collections.Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def set_rules(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self.rules = list(rules)

    def pick(self, kinds: tuple[str, ...], action: str | None = None) -> str | None:
        """The fault (one of ``kinds``) to inject into this request, if any; counted when returned.

        A ``code`` rule is returned as ``code=CODE``.
        """
        with self._lock:
            for rule in self.rules:
                if rule.kind not in kinds or (rule.actions is not None and action not in rule.actions):
                    continue
                if rule.count > 0:
                    rule.count -= 1
                elif not (rule.rate > 0 and self._random.random() < rule.rate):
                    continue
                self.injected[rule.kind] += 1
                return f"code={rule.code}" if rule.kind == "code" else rule.kind
        return None

    def snapshot(self) -> dict:
        with self._lock:
            return {"rules": [r.to_dict() for r in self.rules], "injected": dict(self.injected),
                    "total_injected": sum(self.injected.values())}
