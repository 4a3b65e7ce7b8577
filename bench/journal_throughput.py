#!/usr/bin/env python3
"""Journal input throughput of the published agent (read journal files + encode to the console output).

Writes --entries journal entries of a node's kind (kubelet, containerd, systemd, sshd through stdout, ~130-byte
messages and the fields journald adds) with Debian's systemd-journal-remote (compact, keyed hash, zstd, as systemd
252 writes; it rotates at its size limit, so the entries span an archived file and an active one), starts
artifacts/publish/node-agent on the directory with stdout to /dev/null, and waits until
nodeagent_journal_entries_total{result="shipped"} on /metrics reaches the number of entries. Prints entries per
second, entries per CPU-second (start-up included) and peak RSS (VmHWM).
Usage: python3 bench/journal_throughput.py [--entries 200000]
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from procstat import cpu_seconds, free_port, peak_rss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REMOTE = next((p for p in ("/lib/systemd/systemd-journal-remote", "/usr/lib/systemd/systemd-journal-remote") if os.path.exists(p)), None)
UNITS = [("kubelet.service", "kubelet", 812), ("containerd.service", "containerd", 640), ("init.scope", "systemd", 1), ("sshd.service", "sshd", 900)]


def shipped(port):
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except OSError:
        return -1
    match = re.search(r'nodeagent_journal_entries_total\{result="shipped"\} (\d+)', body)
    return int(match.group(1)) if match else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--agent", default=os.path.join(ROOT, "artifacts", "publish", "node-agent"))
    args = parser.parse_args()
    if REMOTE is None:
        raise SystemExit("systemd-journal-remote is not installed (apt-get install systemd-journal-remote)")

    work = tempfile.mkdtemp(prefix="nodeagent-bench-")
    try:
        journal = os.path.join(work, "journal", "0123456789abcdef0123456789abcdef")
        os.makedirs(journal)
        export = os.path.join(work, "entries.export")
        with open(export, "wb") as f:
            for i in range(args.entries):
                unit, ident, pid = UNITS[i % len(UNITS)]
                message = f"I1128 10:00:{i % 60:02d}.{i:06d} {pid} kubelet.go:2345] SyncLoop (PLEG): event for pod default/web-{i % 50} container {i * 2654435761 % 2**64:x}"
                f.write((f"__REALTIME_TIMESTAMP={1795860900000000 + i * 1000}\n__MONOTONIC_TIMESTAMP={5000000 + i}\n"
                         f"_BOOT_ID=0123456789abcdef0123456789abcdef\nPRIORITY=6\nSYSLOG_IDENTIFIER={ident}\n_SYSTEMD_UNIT={unit}\n"
                         f"_TRANSPORT=stdout\n_PID={pid}\n_UID=0\n_COMM={ident}\n_HOSTNAME=node1\nMESSAGE={message}\n\n").encode())
        with open(export, "rb") as stdin:
            subprocess.run([REMOTE, "--compress=yes", "-o", os.path.join(journal, "system.journal"), "-"], stdin=stdin, check=True,
                           stderr=subprocess.DEVNULL, env={**os.environ, "SYSTEMD_JOURNAL_COMPACT": "1", "SYSTEMD_JOURNAL_KEYED_HASH": "1"})
        os.makedirs(os.path.join(work, "containers"))

        port = free_port()
        start = time.perf_counter()
        proc = subprocess.Popen([args.agent, f"--Http:ListenAddress=127.0.0.1:{port}", "--Metrics:Enabled=false", "--Journal:Enabled=true",
                                 f"--Journal:Paths:0={os.path.join(work, 'journal')}", f"--Logs:Include:0={work}/containers/*.log",
                                 f"--Logs:StatePath={work}/state"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while shipped(port) < args.entries:
                time.sleep(0.05)
            wall, cpu = time.perf_counter() - start, cpu_seconds(proc.pid)
            rss = peak_rss(proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)

        print(f"entries: {args.entries} in {len(os.listdir(journal))} journal file(s)")
        print(f"wall: {wall:.2f} s   entries/s: {args.entries / wall:,.0f}")
        print(f"CPU: {cpu:.2f} s   entries per CPU-second: {args.entries / cpu:,.0f}")
        print(f"peak RSS: {rss / 2**20:.1f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
