"""Where the worker's and the API's CPU goes during ticket lives: py-spy flame graphs.

    .venv/bin/python -m bench.profile --lives 300 --concurrency 10

Runs the stack of ``bench.run`` (dev server, ``hotline worker``, ``hotline api``), warms
it up, then samples the worker and the API with py-spy (``pip install py-spy``; it reads
the processes from outside, so it does not slow them much) while the lives run. Writes a
flame graph (SVG) and the collapsed stacks of each under bench/results/, and prints, per
process, the functions holding the most samples, inclusive and on their own. It measures;
it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from bench.stack import ROOT, running_stack
from bench.ticket_lives import measure_lives

RATE = 200  # samples a second: enough for a few thousand lives, cheap for the target


def start_sampling(pid: int, out: Path, kind: str) -> subprocess.Popen[bytes]:
    py_spy = shutil.which("py-spy") or str(Path(ROOT, ".venv", "bin", "py-spy"))
    return subprocess.Popen(
        # --gil: only the thread holding the GIL, so a sample is Python at work, never a
        # thread parked in select() or on a queue (those would read as busy otherwise).
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(RATE),
            "--nonblocking",
            "--gil",
            "--format",
            kind,
            "--output",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def summarise(collapsed: Path, top: int) -> dict[str, list[tuple[str, float]]]:
    """Shares of samples per function: anywhere on the stack, and at its top."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        frames = [_short(frame) for frame in stack.split(";")]
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    share = lambda n: round(100 * n / max(total, 1), 1)  # noqa: E731
    return {
        "inclusive": [(name, share(n)) for name, n in inclusive.most_common(top)],
        "own": [(name, share(n)) for name, n in own.most_common(top)],
    }


def _short(frame: str) -> str:
    """``function (path/to/module.py:12)`` → ``function (module.py)``: lines vary."""
    name, _, where = frame.partition(" (")
    return f"{name} ({Path(where.split(':')[0]).name})" if where else name


async def run(arguments: argparse.Namespace) -> None:
    arguments.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    async with running_stack(arguments.database_url) as stack:
        await measure_lives(stack, 20, arguments.concurrency)  # warm: caches, bytecode
        samplers = []
        for name in ("worker", "api"):
            pid = stack.pids[name]
            for kind, suffix in (("raw", "txt"), ("flamegraph", "svg")):
                path = arguments.out / f"profile-{stamp}-{name}.{suffix}"
                samplers.append((name, kind, path, start_sampling(pid, path, kind)))
        await asyncio.sleep(1)  # py-spy attaches
        figures = await measure_lives(stack, arguments.lives, arguments.concurrency)
        for _, _, _, sampler in samplers:
            sampler.send_signal(2)  # SIGINT: py-spy writes what it has
        for _, _, _, sampler in samplers:
            sampler.wait(timeout=60)
    print(f"lives/s {figures['lives_per_second']}, CPU ms per life {figures['cpu_ms_per_life']}")
    for name, kind, path, _ in samplers:
        if kind != "raw" or not path.exists():
            continue
        summary = summarise(path, arguments.top)
        print(f"\n== {name} ({path.name}) ==")
        for heading, rows in summary.items():
            print(f"  -- {heading} --")
            for function, percent in rows:
                print(f"  {percent:5.1f} %  {function}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lives", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
