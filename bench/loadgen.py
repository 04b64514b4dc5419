"""HTTP load generator for the clock-in benchmark (bench/clockin.py): standard library only, no Django.

    python bench/loadgen.py --port 8123 --host benchclock.localhost --sessions FILE \\
        --path /api/v1/attendance/clock/ --concurrency 32 --warmup 3 --duration 20 --out FILE

`--concurrency` connections to 127.0.0.1:<port>, each a coroutine that sends its next request as soon
as the previous response has been read (closed loop). Requests are plain HTTP/1.1 written on asyncio
streams, no HTTP client library: 0.2-0.4 ms of client CPU per request, so on a 2-core machine the
generator leaves the cores to gunicorn and PostgreSQL (its own CPU time is measured and reported).
Keep-alive is used when the server offers it (gthread workers), for at most
--requests-per-connection requests (10), then the connection is closed and a new one opened, as a
load balancer's upstream connections are recycled (nginx: `keepalive_requests`). Without that, the
32 connections are accepted once, at the start, by whichever gunicorn worker wins each accept, and
stay with it: in runs where one worker had won all of them, the other sat idle and the run measured
one process on a 2-core machine (half the throughput, for either endpoint, at random). A server
that closes after each response (sync workers) gets a new connection per request. The CPU time of
each gunicorn worker is reported (`cpu.workers_s`), so the spread is visible.

Request k (counting from --start-index, across runs) is a clock-in of officer k mod N, from that
officer's own session (cookie + CSRF token, created by bench/clockin_django.py), with the unique
Idempotency-Key "<run-tag>-<k>": the first pass over the officers clocks in, the second clocks out,
and so on. The position is near the office site (90%, inside its radius) or 1-3 km away (10%).

Bounded twice: nothing is sent after warm-up + duration, nor past --max-requests; every request has
a --timeout. Only responses completed inside the measured window (after the warm-up) count towards
throughput and latency; warm-up and late responses still count as created rows (see `statuses_all`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import time
from pathlib import Path

SITE_LAT, SITE_LON = 2.926000, 101.696000  # the office site bench/clockin_django.py creates
METRES_PER_DEGREE = 111_320.0


# --- CPU accounting from /proc (Linux) --------------------------------------------------------


def _stat(pid: int) -> tuple[int, int] | None:
    """(ppid, utime + stime in clock ticks) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def tree_ticks(root: int, only: str = "") -> int:
    """CPU ticks of a process and all its descendants alive now; with `only`, of the descendants
    whose command line contains it (PostgreSQL backends show their database there)."""
    parents, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                parents[int(entry)], ticks[int(entry)] = stat
    members, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in members:
                members.add(pid)
                frontier.append(pid)
    if only:
        members = {pid for pid in members if pid != root and only in _cmdline(pid)}
    return sum(ticks.get(pid, 0) for pid in members)


def children_ticks(root: int) -> dict[int, int]:
    """CPU ticks of each direct child of `root` (gunicorn's workers)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[0] == root:
                out[int(entry)] = stat[1]
    return out


def machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return total - idle, total


class CpuSampler:
    def __init__(self, watch: dict[str, tuple[int, str]]):
        self.watch = watch
        self.hz = os.sysconf("SC_CLK_TCK")

    def sample(self) -> dict:
        try:
            trees = {name: tree_ticks(pid, only) for name, (pid, only) in self.watch.items()}
            workers = children_ticks(self.watch["gunicorn"][0]) if "gunicorn" in self.watch else {}
            busy, total = machine_ticks()
        except OSError:
            return {}
        return {"trees": trees, "workers": workers, "busy": busy, "total": total, "self": time.process_time()}

    def between(self, a: dict, b: dict, seconds: float) -> dict:
        if not a or not b:
            return {}
        ncpu = os.cpu_count() or 1
        out = {f"{name}_s": (b["trees"][name] - a["trees"][name]) / self.hz for name in self.watch}
        if b["workers"]:  # each gunicorn worker's share: are both cores' workers busy?
            out["workers_s"] = [
                round((ticks - a["workers"].get(pid, 0)) / self.hz, 2)
                for pid, ticks in sorted(b["workers"].items())
            ]
        out["loadgen_s"] = b["self"] - a["self"]
        out["machine_busy_s"] = (b["busy"] - a["busy"]) / self.hz
        out["machine_capacity_s"] = seconds * ncpu
        out["other_s"] = max(
            0.0,
            out["machine_busy_s"] - sum(v for k, v in out.items() if k[:-2] in self.watch) - out["loadgen_s"],
        )
        return out


# --- requests ---------------------------------------------------------------------------------


class Plan:
    """What request k is: its officer, direction, key, position and bytes."""

    def __init__(self, args: argparse.Namespace, sessions: dict):
        self.args = args
        self.officers = sessions["officers"]  # [[officer_id, session_key, csrf_secret], ...]
        self.session_cookie = sessions["session_cookie"]
        self.csrf_cookie = sessions["csrf_cookie"]
        self.authority = f"{args.host}:{args.port}"

    def direction(self, k: int) -> str:
        return "in" if (k // len(self.officers)) % 2 == 0 else "out"

    def body(self, k: int) -> bytes:
        rng = random.Random(k)
        if rng.random() < 0.9:  # inside the 200 m circle
            distance, accuracy = rng.uniform(0, 150), rng.uniform(5, 40)
        else:  # clocking from elsewhere: flagged "outside the office area"
            distance, accuracy = rng.uniform(1000, 3000), rng.uniform(5, 60)
        bearing = rng.uniform(0, 2 * math.pi)
        lat = SITE_LAT + distance * math.cos(bearing) / METRES_PER_DEGREE
        lon = SITE_LON + distance * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(SITE_LAT)))
        payload = {
            "direction": self.direction(k),
            "latitude": round(lat, 6),
            "longitude": round(lon, 6),
            "accuracy": round(accuracy, 1),
        }
        return json.dumps(payload).encode()

    def request(self, k: int) -> bytes:
        _officer, session_key, csrf = self.officers[k % len(self.officers)]
        body = self.body(k)
        head = (
            f"POST {self.args.path} HTTP/1.1\r\n"
            f"Host: {self.authority}\r\n"
            f"Origin: http://{self.authority}\r\n"
            "User-Agent: spotme-bench/1 (loadgen)\r\n"
            "Accept: application/json\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Cookie: {self.session_cookie}={session_key}; {self.csrf_cookie}={csrf}\r\n"
            f"X-CSRFToken: {csrf}\r\n"
            f"Idempotency-Key: {self.args.run_tag}-{k}\r\n"
            "\r\n"
        )
        return head.encode("latin-1") + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, server closes) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(p[:-2] for p in parts)
    else:
        body = await reader.read()
        headers["connection"] = "close"
    closes = headers.get("connection", "").lower() == "close" or lines[0].startswith("HTTP/1.0")
    return status, body, closes


class Run:
    def __init__(self, args: argparse.Namespace, plan: Plan):
        self.args, self.plan = args, plan
        self.next_k = args.start_index
        self.issued = 0
        self.records: list[tuple[float, float, int]] = []  # (start, end, status)
        self.errors: list[str] = []
        self.error_count = 0
        self.reconnects = 0
        self.connections = 0
        self.stop_at = 0.0

    def take(self) -> int | None:
        if time.perf_counter() >= self.stop_at or self.issued >= self.args.max_requests:
            return None
        k = self.next_k
        self.next_k += 1
        self.issued += 1
        return k

    def fail(self, k: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < 10:
            self.errors.append(f"request {k} ({self.plan.direction(k)}): {message}")

    async def client(self) -> None:
        reader = writer = None
        served = 0  # responses on the current connection
        while (k := self.take()) is not None:
            data = self.plan.request(k)
            started = time.perf_counter()
            for attempt in (1, 2):
                reused = writer is not None
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", self.args.port)
                        self.connections += 1
                        served = 0
                    writer.write(data)
                    status, body, closes = await asyncio.wait_for(read_response(reader), self.args.timeout)
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    if reused and attempt == 1:  # a kept-alive connection the server had closed
                        self.reconnects += 1
                        started = time.perf_counter()
                        continue
                    self.records.append((started, time.perf_counter(), 0))
                    self.fail(k, f"{type(exc).__name__}: {exc}")
                    break
                except (TimeoutError, OSError) as exc:
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    self.records.append((started, time.perf_counter(), 0))
                    self.fail(k, f"{type(exc).__name__}: {exc}")
                    break
                self.records.append((started, time.perf_counter(), status))
                if status != self.args.expect:
                    self.fail(k, f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
                served += 1
                if closes or served >= self.args.requests_per_connection:
                    writer.close()
                    reader = writer = None
                break
        if writer is not None:
            writer.close()

    async def main(self, sampler: CpuSampler) -> dict:
        began = time.perf_counter()
        measured_from = began + self.args.warmup
        self.stop_at = measured_from + self.args.duration
        clients = [asyncio.create_task(self.client()) for _ in range(self.args.concurrency)]
        await asyncio.sleep(max(0.0, measured_from - time.perf_counter()))
        cpu_from = sampler.sample()
        await asyncio.sleep(max(0.0, self.stop_at - time.perf_counter()))
        cpu_to = sampler.sample()
        measured_to = time.perf_counter()
        await asyncio.gather(*clients)
        return self.summary(
            measured_from, measured_to, sampler.between(cpu_from, cpu_to, measured_to - measured_from)
        )

    def summary(self, t0: float, t1: float, cpu: dict) -> dict:
        window = [(s, e, st) for s, e, st in self.records if t0 <= e < t1]
        latencies = sorted((e - s) * 1000 for s, e, _st in window)
        ok = sum(1 for *_x, st in window if st == self.args.expect)
        seconds = t1 - t0
        statuses: dict[str, int] = {}
        for *_x, st in self.records:
            statuses[str(st)] = statuses.get(str(st), 0) + 1
        first_pass = len(self.plan.officers)
        return {
            "path": self.args.path,
            "concurrency": self.args.concurrency,
            "warmup_s": self.args.warmup,
            "window_s": seconds,
            "requests": len(window),
            "ok": ok,
            "throughput_rps": ok / seconds if seconds else 0.0,
            "latency_ms": {
                "p50": percentile(latencies, 50),
                "p95": percentile(latencies, 95),
                "p99": percentile(latencies, 99),
                "max": latencies[-1] if latencies else float("nan"),
                "mean": sum(latencies) / len(latencies) if latencies else float("nan"),
            },
            "errors": self.error_count,
            "first_errors": self.errors,
            "reconnects_after_keepalive_close": self.reconnects,
            "connections_opened": self.connections,
            "requests_per_connection": self.args.requests_per_connection,
            "statuses_all": statuses,  # warm-up and window and after: every response received
            "issued": self.issued,
            "start_index": self.args.start_index,
            "next_index": self.next_k,
            "clock_outs_issued": sum(
                1 for k in range(self.args.start_index, self.next_k) if (k // first_pass) % 2 == 1
            ),
            "cpu": cpu,
            "latencies": [round(v, 3) for v in latencies],  # ms, for pooling over runs
        }


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def parse_watch(values: list[str]) -> dict[str, tuple[int, str]]:
    """NAME=PID (the process tree) or NAME=PID:TEXT (its descendants whose command line has TEXT)."""
    out = {}
    for value in values:
        name, spec = value.split("=", 1)
        pid, _sep, only = spec.partition(":")
        out[name] = (int(pid), only)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True, help="the agency's host name (Host header, without port)")
    parser.add_argument("--path", default="/api/v1/attendance/clock/")
    parser.add_argument("--sessions", type=Path, required=True, help="JSON from clockin_django.py sessions")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request (seconds)")
    parser.add_argument("--requests-per-connection", type=int, default=10, help="then a new connection (10)")
    parser.add_argument("--expect", type=int, default=201, help="the status every response must have")
    parser.add_argument("--start-index", type=int, default=0)
    parser.add_argument("--run-tag", default="bench")
    parser.add_argument(
        "--watch", action="append", default=[], help="NAME=PID[:TEXT]: CPU of that process tree"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not (0 < args.duration <= 600 and 0 <= args.warmup <= 120 and 0 < args.concurrency <= 1024):
        raise SystemExit("--duration (0, 600], --warmup [0, 120] and --concurrency (0, 1024] only")
    if args.requests_per_connection < 1:
        raise SystemExit("--requests-per-connection must be at least 1")
    plan = Plan(args, json.loads(args.sessions.read_text()))
    result = asyncio.run(Run(args, plan).main(CpuSampler(parse_watch(args.watch))))
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
