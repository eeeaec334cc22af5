"""The figures of ``bench.sms_throughput``: spreads of latencies, rates, and the table it
prints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bench.stack import percentile


def milliseconds(start: datetime, end: datetime | None) -> float:
    return float("nan") if end is None else (end - start).total_seconds() * 1000


def seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else round((end - start).total_seconds(), 2)


def gaps(pairs: Iterable[tuple[datetime, datetime | None]]) -> dict[str, float]:
    """The spread of the milliseconds from each pair's first instant to its second, for
    the pairs that have both."""
    return spread([milliseconds(start, end) for start, end in pairs if end is not None])


def spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    shares = {"p50": 0.5, "p95": 0.95, "p99": 0.99}
    figures = {name: round(percentile(values, share), 1) for name, share in shares.items()}
    return {**figures, "max": round(max(values), 1), "count": len(values)}


def per_second(count: int, start: datetime | None, end: datetime | None) -> float | None:
    if not count or start is None or end is None or end <= start:
        return None
    return round(count / (end - start).total_seconds(), 2)


def print_table(r: dict[str, Any]) -> None:
    b = r["burst"]
    receipts, throughput, latency = b["receipts"], b["throughput_per_second"], b["latency_ms"]
    print(f"receipt SMS through Kannel — {r['machine']}, read model {r['read_model']}, {r['when']}")
    print(
        f"  {b['created']} of {b['tickets']} tickets created in {b['intake_seconds']} s "
        f"({b['intakes_per_second']}/s at concurrency {b['concurrency']}; create p50 "
        f"{b['create_ms'].get('p50')} ms, p99 {b['create_ms'].get('p99')} ms), errors "
        f"{b['intake_errors']}"
    )
    print(
        f"  receipts: {receipts['queued']} queued, {receipts['sent']} handed to Kannel, "
        f"{receipts['on_the_network']} on the network, {receipts['delivered']} delivered "
        f"(reports flow: {b['delivery_reports_flow']}); states {receipts['states']}"
    )
    print(
        f"  throughput: queued → handed to Kannel {throughput['queued_to_sent']} msgs/s, "
        f"→ delivery report {throughput['queued_to_delivery_report']} msgs/s"
    )
    print(f"  {'from the intake answered to':<34} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}")
    for label, key in (
        ("its row queued (< 0: before)", "intake_to_queued"),
        ("handed to Kannel (sent_at)", "intake_to_sent"),
        (f"on the network (±{b['network_polling_interval_ms']:.0f} ms)", "intake_to_network"),
        ("its delivery report", "intake_to_delivery_report"),
    ):
        f = latency[key]
        print(f"  {label:<34} {f.get('p50')!s:>9} {f.get('p95')!s:>9} {f.get('p99')!s:>9}")
    print(f"  CPU s during the burst: {b['cpu_seconds']}")
    print(
        f"  CPU ms per message: {b['cpu_ms_per_message']}; system (all but the load "
        f"generator) {b['cpu_ms_per_message_system']}"
    )
