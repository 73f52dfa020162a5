"""What a cloud job will cost, estimated before anything is submitted.

SegmentVideoBody bills 1.2 CNY per minute of output video, rounded up to the second per request;
failed calls and status queries are free. A long clip is several requests, each rounded up on its
own. The other two actions have no price in mattebox's references, so their estimate gives the
billable seconds and says the price is the service's.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Sequence

from mattebox.tasks import Task

__all__ = ["CNY_PER_MINUTE", "Estimate", "estimate_charge"]

CNY_PER_MINUTE: dict[Task, float] = {Task.BODY: 1.2}


@dataclass(frozen=True)
class Estimate:
    """Billable seconds per request, their sum, and the charge in CNY (``None``: price not known)."""

    requests: int
    seconds: list[int]
    total_seconds: int
    cny: float | None
    action: str

    def describe(self) -> str:
        what = f"{self.requests} {self.action} request{'s' if self.requests != 1 else ''}, {self.total_seconds} billable s"
        if self.cny is None:
            return f"{what}; price: see the service's price list"
        return f"{what} ≈ {self.cny:.2f} CNY (1.2 CNY/min, each request rounded up to the second)"

    def to_dict(self) -> dict:
        return asdict(self)


def estimate_charge(task: Task, chunk_frames: Sequence[int], frame_rate: Fraction | float) -> Estimate:
    """The charge for submitting chunks of ``chunk_frames`` frames each at ``frame_rate``."""
    rate = float(frame_rate) or 25.0
    seconds = [math.ceil(n / rate - 1e-9) for n in chunk_frames]
    total = sum(seconds)
    price = CNY_PER_MINUTE.get(task)
    cny = None if price is None else round(total * price / 60.0, 4)
    return Estimate(len(seconds), seconds, total, cny, task.action)
