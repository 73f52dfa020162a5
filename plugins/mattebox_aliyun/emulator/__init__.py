"""A protocol-faithful local emulator of Alibaba Cloud's videoseg service and the OSS it reads from.

For tests and offline development: the RPC API (both signature styles, nonce and timestamp checks,
the service's codes and limits), OSS (PostObject, PutObject, multipart, signed GET URLs that
expire), asynchronous jobs run by mattebox's local backends, and faults injected on demand.
``mattebox emulate aliyun --port P --access-key-id ID --access-key-secret SECRET`` runs it.
Modules: ``server`` (HTTP and lifecycle), ``auth`` (RPC signatures), ``rpc`` (actions), ``oss``
and ``objects`` (storage), ``jobs`` and ``engine`` (processing), ``faults``, ``protocol``, ``http``.
"""

from __future__ import annotations

from .auth import Account
from .faults import FaultPlan, FaultRule
from .server import Emulator, EmulatorConfig

__all__ = ["Account", "Emulator", "EmulatorConfig", "FaultPlan", "FaultRule"]
