#!/usr/bin/env python3
"""Log tailing throughput of the published agent (read + frame + parse + encode to the console output).

Writes pre-made CRI files (default 500,000 lines of ~130 bytes, spread over --files files in kubelet's layout),
starts artifacts/publish/node-agent on them with stdout to /dev/null, and waits until nodeagent_log_lines_read_total
on /metrics reaches the number of lines. Prints lines per second, CPU seconds per million lines, lines per
CPU-second and peak RSS (VmHWM). Usage: python3 bench/tail_throughput.py [--lines 500000] [--files 1]
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from procstat import cpu_seconds, free_port, peak_rss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))






def lines_read(port):
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except OSError:
        return -1
    for line in body.split("\n"):
        if line.startswith("nodeagent_log_lines_read_total "):
            return float(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--agent", default=os.path.join(ROOT, "artifacts", "publish", "node-agent"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="nodeagent-bench-")
    try:
        containers = os.path.join(work, "containers")
        os.makedirs(containers)
        per_file = args.lines // args.files
        payload = "GET /api/v1/orders/12345 200 1532 0.012 user-agent=Mozilla/5.0 trace=4bf92f3577b34da6a3ce929d0e0e4736"
        for n in range(args.files):
            pod_dir = os.path.join(work, "pods", f"bench_pod-{n}_uid-{n}", "app")
            os.makedirs(pod_dir)
            path = os.path.join(pod_dir, "0.log")
            with open(path, "w") as f:
                for i in range(per_file):
                    f.write(f"2026-11-28T10:15:{i % 60:02d}.{i % 1000000000:09d}Z stdout F {payload} {i}\n")
            os.symlink(path, os.path.join(containers, f"pod-{n}_bench_app-{n:064x}.log"))
        total = per_file * args.files

        port = free_port()
        # Measured from the start of the process: reading begins before /metrics first answers (start-up included).
        start = time.perf_counter()
        proc = subprocess.Popen([args.agent, f"--Http:ListenAddress=127.0.0.1:{port}", "--Metrics:Enabled=false",
                                 f"--Logs:Include:0={containers}/*.log", f"--Logs:StatePath={work}/state",
                                 f"--Logs:MaxOpenFiles={max(1024, args.files + 16)}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while lines_read(port) < 0:
                time.sleep(0.05)
            cpu0 = 0.0
            while lines_read(port) < total:
                time.sleep(0.05)
            wall, cpu = time.perf_counter() - start, cpu_seconds(proc.pid) - cpu0
            rss = peak_rss(proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)

        print(f"lines: {total} in {args.files} file(s) of ~{len(payload) + 50} bytes a line")
        print(f"wall: {wall:.2f} s   lines/s: {total / wall:,.0f}")
        print(f"CPU: {cpu:.2f} s   CPU s per million lines: {cpu / total * 1e6:.2f}   lines per CPU-second: {total / cpu:,.0f}  (target >= 500,000)")
        print(f"peak RSS: {rss / 2**20:.1f} MiB  (target < 64 MiB with 1,000 files)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
