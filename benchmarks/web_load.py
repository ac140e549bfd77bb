"""Web app under load (issue 12). Run: .venv/bin/python benchmarks/web_load.py

`reportgen serve` on a free loopback port (never anything else) with a fresh data
folder. One client starts the 31-report build of the Hà Nội sample (2023-H1, DOCX + PDF,
--jobs 2); while it runs, 20 clients (threads, httpx) each do a bounded loop of: upload
the sample workbook (POST /api/datasets), open its dataset page, preview the figures of
one unit (page and JSON), open the home page and the build's page.
Prints, per run and as medians over the runs: page latency (median, 95th percentile,
worst; every GET), upload latency (median, worst; each validates a whole workbook), the
build's duration, and the server's peak memory (its own process, and with the build
processes it started).
Aim (issue 12): page median under 200 ms, nothing over 2 s except the build itself.
Measured (2 cores shared with other work, 3 runs): pages median 13 ms, p95 47 ms, worst
0.3 s; uploads median 5.5 s, worst 10.5 s (80 workbooks of a second of validation each,
queued on two checker processes beside the build); build 27 s; server 220 MB, 750 MB with
its build and checker processes. With validation in the server's own interpreter pages
were median 388 ms, worst 2.3 s.
Options: --runs N (default 3), --clients 20, --loops 4, --jobs 2
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.init import write_workbook  # noqa: E402
from reportgen.resources import package_path  # noqa: E402

HOST = "127.0.0.1"  # loopback only: this benchmark never talks to another machine
UNITS = ["01", "001", "002", "003", "019", "268", "282"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(data: Path, jobs: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "serve", "--host", HOST, "--port", str(port),
                                "--data", str(data), "--jobs", str(jobs)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=1)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


class MemoryWatch(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.server_peak = 0
        self.tree_peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                own = self.process.memory_info().rss
                tree = own
                for child in self.process.children(recursive=True):
                    try:
                        tree += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self.server_peak = max(self.server_peak, own)
            self.tree_peak = max(self.tree_peak, tree)
            time.sleep(0.1)


def client_loop(base: str, workbook: bytes, loops: int, build_id: str, index: int,
                pages: list[float], uploads: list[float], errors: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        for loop in range(loops):
            started = time.perf_counter()
            response = client.post("/api/datasets", files={"file": ("hanoi.xlsx", workbook)})
            uploads.append(time.perf_counter() - started)
            if response.status_code != 201:
                errors.append(f"upload {response.status_code}")
                continue
            dataset_id = response.json()["id"]
            unit = UNITS[(index + loop) % len(UNITS)]
            for path in (f"/datasets/{dataset_id}",
                         f"/datasets/{dataset_id}/figures?unit={unit}&period=2023-H1",
                         f"/api/datasets/{dataset_id}/figures?unit={unit}&period=2023-H1",
                         "/", f"/builds/{build_id}", f"/api/builds/{build_id}"):
                started = time.perf_counter()
                response = client.get(path)
                pages.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors.append(f"GET {path} {response.status_code}")


def one_run(workbook: bytes, clients: int, loops: int, jobs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="reportgen-web-load-") as folder:
        server, base = start_server(Path(folder) / "data", jobs)
        watch = MemoryWatch(server.pid)
        watch.start()
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                dataset_id = client.post("/api/datasets", files={"file": ("hanoi.xlsx", workbook)}).json()["id"]
                build_started = time.perf_counter()
                build_id = client.post(f"/api/datasets/{dataset_id}/builds",
                                       json={"period": "2023-H1", "all": True,
                                             "formats": ["docx", "pdf"]}).json()["id"]
                pages: list[float] = []
                uploads: list[float] = []
                errors: list[str] = []
                threads = [threading.Thread(target=client_loop,
                                            args=(base, workbook, loops, build_id, i, pages, uploads, errors))
                           for i in range(clients)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                load_ended = time.perf_counter()
                while True:
                    state = client.get(f"/api/builds/{build_id}").json()
                    if state["status"] in ("done", "failed"):
                        break
                    time.sleep(0.2)
                build_seconds = time.perf_counter() - build_started
        finally:
            watch.stop.set()
            server.terminate()
            server.wait(timeout=60)
    pages.sort()
    return {"pages": len(pages), "page_median": statistics.median(pages),
            "page_p95": pages[int(0.95 * (len(pages) - 1))], "page_worst": pages[-1],
            "uploads": len(uploads), "upload_median": statistics.median(uploads), "upload_worst": max(uploads),
            "build_seconds": build_seconds, "build_status": f"{state['status']} {state['done']}/{state['total']}",
            "load_during_build": load_ended - build_started < build_seconds,
            "server_peak_mb": watch.server_peak / 2**20, "tree_peak_mb": watch.tree_peak / 2**20,
            "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--loops", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workbook = write_workbook(package_path("samples", "hanoi"), Path(folder) / "hanoi.xlsx").read_bytes()
    print(f"{args.clients} clients x {args.loops} loops (upload + 6 GETs) during a 31-report build "
          f"(DOCX + PDF, --jobs {args.jobs}); {os.cpu_count()} cores")
    results = []
    for run in range(args.runs):
        result = one_run(workbook, args.clients, args.loops, args.jobs)
        results.append(result)
        print(f"run {run + 1}: pages {result['pages']}: median {result['page_median'] * 1000:.0f} ms, "
              f"p95 {result['page_p95'] * 1000:.0f} ms, worst {result['page_worst'] * 1000:.0f} ms; "
              f"uploads {result['uploads']}: median {result['upload_median'] * 1000:.0f} ms, "
              f"worst {result['upload_worst'] * 1000:.0f} ms; build {result['build_seconds']:.1f} s "
              f"({result['build_status']}, load ran inside it: {result['load_during_build']}); "
              f"peak memory: server {result['server_peak_mb']:.0f} MB, with build processes "
              f"{result['tree_peak_mb']:.0f} MB; errors {result['errors']}")

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print(f"median of {args.runs} runs: page median {median('page_median') * 1000:.0f} ms, "
          f"p95 {median('page_p95') * 1000:.0f} ms, worst {median('page_worst') * 1000:.0f} ms; "
          f"upload median {median('upload_median') * 1000:.0f} ms, worst {median('upload_worst') * 1000:.0f} ms; "
          f"build {median('build_seconds'):.1f} s; server peak {median('server_peak_mb'):.0f} MB "
          f"(with build processes {median('tree_peak_mb'):.0f} MB)")


if __name__ == "__main__":
    main()
