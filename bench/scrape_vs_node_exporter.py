#!/usr/bin/env python3
"""Scrape cost of NodeAgent against node_exporter, measured side by side in one run on this machine.

Starts Debian's prometheus-node-exporter and the published NodeAgent (artifacts/publish/node-agent, built by
`dotnet publish src/NodeAgent -c Release -o artifacts/publish`) on loopback, then for each:
  - CPU time per scrape: utime+stime of the process (from /proc/<pid>/stat) over N sequential scrapes;
  - scrape latency p50/p99 (client-side wall time of a full GET /metrics);
  - RSS after 1,000 scrapes and after --long scrapes (growth between them);
  - CPU used while nobody scrapes (10 s idle).
Prints both figures and their ratio. Usage: python3 bench/scrape_vs_node_exporter.py [--scrapes 1000] [--long 10000]
"""
import argparse
import os
import subprocess
import sys
import time
import urllib.request

from procstat import cpu_seconds, free_port, status_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))








def scrape(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=10) as r:
        body = r.read()
    return time.perf_counter() - start, len(body)


def wait_serving(url):
    for _ in range(300):
        try:
            scrape(url)
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer")


def measure(name, cmd, port, scrapes, long_scrapes):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        wait_serving(url)
        for _ in range(20):
            scrape(url)
        cpu0 = cpu_seconds(proc.pid)
        latencies = []
        size = 0
        for _ in range(scrapes):
            seconds, size = scrape(url)
            latencies.append(seconds)
        cpu1 = cpu_seconds(proc.pid)
        rss_1000 = status_bytes(proc.pid, "VmRSS")
        for _ in range(long_scrapes - scrapes - 20):
            scrape(url)
        rss_long = status_bytes(proc.pid, "VmRSS")
        idle0 = cpu_seconds(proc.pid)
        time.sleep(10)
        idle1 = cpu_seconds(proc.pid)
        latencies.sort()
        return {
            "name": name,
            "series": size,
            "cpu_ms_per_scrape": (cpu1 - cpu0) * 1000 / scrapes,
            "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "rss_1000_mib": rss_1000 / 2**20,
            "rss_long_mib": rss_long / 2**20,
            "idle_cpu_ms_per_10s": (idle1 - idle0) * 1000,
        }
    finally:
        proc.terminate()
        proc.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scrapes", type=int, default=1000)
    parser.add_argument("--long", type=int, default=10000)
    parser.add_argument("--agent", default=os.path.join(ROOT, "artifacts", "publish", "node-agent"))
    parser.add_argument("--node-exporter", default="/usr/bin/prometheus-node-exporter")
    args = parser.parse_args()
    if not os.path.exists(args.agent):
        sys.exit(f"{args.agent} missing: run `dotnet publish src/NodeAgent -c Release -o artifacts/publish` first")

    ne_port, agent_port = free_port(), free_port()
    # Debian enables its systemd collector by default; node_exporter upstream does not, nor does NodeAgent.
    ne = measure("node_exporter", [args.node_exporter, f"--web.listen-address=127.0.0.1:{ne_port}", "--no-collector.systemd"],
                 ne_port, args.scrapes, args.long)
    agent = measure("NodeAgent", [args.agent, f"--Http:ListenAddress=127.0.0.1:{agent_port}", "--Logs:Enabled=false"],
                    agent_port, args.scrapes, args.long)

    rows = [
        ("CPU per scrape (ms)", "cpu_ms_per_scrape", "at most 0.5"),
        ("scrape latency p50 (ms)", "p50_ms", ""),
        ("scrape latency p99 (ms)", "p99_ms", "at most 1.0"),
        (f"RSS after {args.scrapes} scrapes (MiB)", "rss_1000_mib", "at most 1.5"),
        (f"RSS after {args.long} scrapes (MiB)", "rss_long_mib", ""),
        ("CPU while idle, 10 s (ms)", "idle_cpu_ms_per_10s", ""),
        ("response size (bytes)", "series", ""),
    ]
    print(f"{'':34} {'node_exporter':>14} {'NodeAgent':>12} {'ratio':>7}  target")
    for label, key, target in rows:
        theirs, ours = ne[key], agent[key]
        ratio = ours / theirs if theirs else float("nan")
        print(f"{label:34} {theirs:14.2f} {ours:12.2f} {ratio:7.2f}  {target}")
    growth = agent["rss_long_mib"] - agent["rss_1000_mib"]
    print(f"NodeAgent RSS growth between scrape {args.scrapes} and {args.long}: {growth:+.2f} MiB")


if __name__ == "__main__":
    main()
