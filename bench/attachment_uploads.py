"""Photo uploads at a steady rate against the real stack: ~2 MB camera JPEGs, 5 a second.

    .venv/bin/python -m bench.attachment_uploads                # 60 s at 5/s, ~2 MB each
    .venv/bin/python -m bench.attachment_uploads --seconds 30 --rate 5 --megabytes 2

On a dev server with ``hotline worker`` and ``hotline api`` as processes (bench.stack), it
sends ``POST /v1/attachments`` on a fixed timetable (open loop: each upload at its instant,
whatever the answers before it) and measures uploads/s achieved, their latency (p50, p95,
p99, max), the API process's CPU seconds per upload and the bytes stored per upload
(sealed photo and thumbnail). Then, one after another, the lead department names one
uploaded photo in a progress action on a signed ticket and lists the ticket's files
(``GET /v1/tickets/{no}/attachments``): the p95 of each. The photos are made beforehand,
each different (the store keeps a file once by its hash), with EXIF as a camera writes it.
It prints a table and writes JSON under bench/results/. It measures; it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from bench.stack import ROOT, Stack, machine, percentile, running_stack
from bench.ticket_lives import INTAKE
from schema.ticket import Role

TARGET = "upload p95 < 300 ms at 5/s"
LEAD = "urban-management"  # the catalogue's lead for INTAKE's category, 010101
WIDTH, HEIGHT = 2400, 1800


def camera_photo(blur: int) -> bytes:
    """A 2400 × 1800 JPEG of smoothed noise (``blur``: pixels per random sample), with the
    make and GPS position a phone writes in EXIF."""
    w, h = WIDTH // blur, HEIGHT // blur
    noise = Image.frombytes("RGB", (w, h), os.urandom(3 * w * h))
    image = noise.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 0.0, 12.34), "E", (122.0, 6.0, 7.8)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def photos(count: int, megabytes: float) -> list[bytes]:
    """``count`` distinct photos whose size is the nearest to ``megabytes`` we can make."""
    sizes = {blur: len(camera_photo(blur)) for blur in (1, 2, 3, 4, 6, 8, 12, 16)}
    blur = min(sizes, key=lambda b: abs(sizes[b] - megabytes * 1024 * 1024))
    return [camera_photo(blur) for _ in range(count)]


def stored_bytes(stack: Stack) -> int:
    return sum(p.stat().st_size for p in (stack.data / "attachments").rglob("*") if p.is_file())


def milliseconds(values: list[float], shares: tuple[float, ...]) -> dict[str, float]:
    if not values:
        return {}
    figures = {f"p{round(s * 100)}": round(percentile(values, s), 1) for s in shares}
    return {**figures, "max": round(max(values), 1)}


async def upload_at_rate(
    stack: Stack, http: httpx.AsyncClient, files: list[bytes], rate: float
) -> dict[str, Any]:
    lead = stack.headers(Role.DEPARTMENT, LEAD)
    timings: list[float] = []
    ids: list[str] = []
    errors: Counter[str] = Counter()
    late: list[float] = []  # how far behind its instant each upload was sent

    async def upload(n: int, data: bytes) -> None:
        started = time.perf_counter()
        try:
            response = await http.post(
                "/v1/attachments",
                files={"file": (f"IMG_{n:04d}.jpg", data, "image/jpeg")},
                headers=lead,
            )
        except httpx.HTTPError as problem:
            errors[type(problem).__name__] += 1
            return
        if response.status_code != 201:
            errors[f"{response.status_code} {response.text[:120]}"] += 1
            return
        timings.append((time.perf_counter() - started) * 1000)
        ids.append(response.json()["id"])

    bytes_before, cpu_before = stored_bytes(stack), stack.cpu()
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = []
    for n, data in enumerate(files):  # on a fixed timetable, whatever the answers
        delay = start + n / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        late.append(max(0.0, -delay) * 1000)
        tasks.append(asyncio.create_task(upload(n, data)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    cpu = {name: value - cpu_before[name] for name, value in stack.cpu().items()}
    done = max(len(ids), 1)
    return {
        "ids": ids,
        "offered_per_second": rate,
        "sent": len(files),
        "uploaded": len(ids),
        "errors": dict(errors),
        "uploads_per_second": round(len(ids) / elapsed, 2),
        "photo_mb_mean": round(sum(map(len, files)) / (len(files) or 1) / 1024 / 1024, 2),
        "latency_ms": milliseconds(timings, (0.5, 0.95, 0.99)),
        "send_lag_ms_max": round(max(late, default=0.0), 1),
        "cpu_seconds_per_upload": {k: round(v / done, 3) for k, v in cpu.items()},
        "stored_bytes_per_upload": round((stored_bytes(stack) - bytes_before) / done),
    }


async def name_and_list(
    stack: Stack, http: httpx.AsyncClient, ids: list[str], tickets: int
) -> dict[str, Any]:
    """Progress actions each naming one photo, on signed tickets, and the tickets' lists."""
    agent, lead = stack.headers(Role.AGENT), stack.headers(Role.DEPARTMENT, LEAD)
    timings: dict[str, list[float]] = {"progress": [], "list": []}
    errors: Counter[str] = Counter()
    numbers = []
    for _ in range(tickets):
        created = await http.post("/v1/tickets", json=INTAKE, headers=agent)
        no = created.json().get("ticket_no") if created.is_success else None
        if no and (await http.post(f"/v1/tickets/{no}/sign", headers=lead)).is_success:
            numbers.append(no)
        else:
            errors[f"create or sign {created.status_code} {created.text[:120]}"] += 1
    for n, photo in enumerate(ids if numbers else []):
        no = numbers[n % len(numbers)]
        body = {"content": "现场照片", "attachments": [photo]}
        for name, method, path, sent in (
            ("progress", "POST", f"/v1/tickets/{no}/progress", body),
            ("list", "GET", f"/v1/tickets/{no}/attachments", None),
        ):
            started = time.perf_counter()
            response = await http.request(method, path, json=sent, headers=lead)
            if response.is_success:
                timings[name].append((time.perf_counter() - started) * 1000)
            else:
                errors[f"{name} {response.status_code} {response.text[:120]}"] += 1
    return {
        "tickets": len(numbers),
        "actions": len(ids),
        "errors": dict(errors),
        **{f"{k}_ms": milliseconds(v, (0.5, 0.95)) for k, v in timings.items()},
    }


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    files = photos(int(arguments.rate * arguments.seconds), arguments.megabytes)
    async with running_stack() as stack, stack.http(256) as http:
        warm = await upload_at_rate(stack, http, photos(3, arguments.megabytes), 2)  # uncounted
        uploads = await upload_at_rate(stack, http, files, arguments.rate)
        print(f"[uploads] {json.dumps({**uploads, 'ids': len(uploads['ids'])})}", flush=True)
        ids = (uploads["ids"] or warm["ids"])[: arguments.actions]
        actions = await name_and_list(stack, http, ids, arguments.tickets)
        uploads.pop("ids")
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "target": TARGET,
            "uploads": uploads,
            "name_and_list": actions,
        }


def print_table(r: dict[str, Any]) -> None:
    u, a = r["uploads"], r["name_and_list"]
    latency = u["latency_ms"]
    met = latency.get("p95", float("nan")) < 300 and u["offered_per_second"] >= 5
    verdict = "met" if met and not u["errors"] else "not met"
    print(f"attachment uploads — {r['machine']}, {r['when']}")
    print(
        f"  {u['sent']} photos of {u['photo_mb_mean']} MB offered at {u['offered_per_second']}/s:"
        f" {u['uploaded']} uploaded, {u['uploads_per_second']}/s achieved, errors {u['errors']}"
    )
    print(f"  {'figure':<34} {'value':>10}  target")
    rows = [
        (f"upload {k} ms", v, f"{TARGET} ({verdict})" * (k == "p95")) for k, v in latency.items()
    ]
    rows += [
        ("API CPU s per upload", u["cpu_seconds_per_upload"].get("api"), ""),
        ("bytes stored per upload", u["stored_bytes_per_upload"], ""),
        ("send lag max ms (load generator)", u["send_lag_ms_max"], ""),
        ("progress naming a photo p95 ms", a["progress_ms"].get("p95"), ""),
        ("list attachments p95 ms", a["list_ms"].get("p95"), ""),
    ]
    for label, value, target in rows:
        print(f"  {label:<34} {value!s:>10}  {target}")
    print(f"  CPU s per upload {u['cpu_seconds_per_upload']}; action errors {a['errors']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5, help="uploads offered per second")
    parser.add_argument("--megabytes", type=float, default=2, help="each photo's size")
    parser.add_argument("--actions", type=int, default=50, help="progress actions to time")
    parser.add_argument("--tickets", type=int, default=10, help="signed tickets they go to")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    arguments = parser.parse_args()
    result = asyncio.run(run(arguments))
    print_table(result)
    arguments.out.mkdir(parents=True, exist_ok=True)
    path = arguments.out / f"attachments-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"  written to {path}")


if __name__ == "__main__":
    main()
