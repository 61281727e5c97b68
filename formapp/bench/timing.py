"""Repeated timing with median and p95, and the JSON shape of a result."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class CaseResult:
    name: str
    samples_ms: list[float]
    floor_ms: list[float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"median_ms": round(self.median_ms, 2),
                                "p95_ms": round(self.p95_ms, 2), "runs": len(self.samples_ms)}
        if self.floor_ms:
            floor = statistics.median(self.floor_ms)
            data["floor_median_ms"] = round(floor, 2)
            data["ratio"] = round(self.median_ms / floor, 2) if floor else None
        data.update(self.extra)
        return data

    def line(self) -> str:
        text = f"{self.name:22} median {self.median_ms:8.2f} ms   p95 {self.p95_ms:8.2f} ms"
        if self.floor_ms:
            floor = statistics.median(self.floor_ms)
            text += f"   floor {floor:7.2f} ms   ratio {self.median_ms / floor:5.2f}"
        for key, value in self.extra.items():
            text += f"   {key} {value}"
        return text


@dataclass(frozen=True)
class SkippedCase:
    """A case that could not run here, and why (an optional dependency missing)."""

    name: str
    why: str

    def as_json(self) -> dict[str, Any]:
        return {"skipped": self.why}

    def line(self) -> str:
        return f"{self.name:22} skipped: {self.why}"


def time_ms(action: Callable[[], object], runs: int, *, warmup: int = 2,
            setup: Callable[[], object] | None = None) -> list[float]:
    """Milliseconds of ``action`` over ``runs``; ``setup`` runs untimed before each."""
    samples = []
    for index in range(warmup + runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        elapsed = (time.perf_counter() - start) * 1000
        if index >= warmup:
            samples.append(elapsed)
    return samples


def interleaved(first: Callable[[], object], second: Callable[[], object], runs: int,
                *, setup_first: Callable[[], object] | None = None,
                ) -> tuple[list[float], list[float]]:
    """Time two actions alternately, so machine noise hits both alike (ratios from one run)."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(2):  # warm both
        if setup_first:
            setup_first()
        first()
        second()
    for _ in range(runs):
        if setup_first:
            setup_first()
        start = time.perf_counter()
        first()
        a.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        second()
        b.append((time.perf_counter() - start) * 1000)
    return a, b
