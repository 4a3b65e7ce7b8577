#!/usr/bin/env python3
"""Shipping cost per line: NodeAgent vs rsyslog (imfile + omelasticsearch), both into the Elasticsearch emulator.

Writes pre-made CRI files (default 500,000 lines of ~130 bytes, spread over --files files in kubelet's
/var/log/pods layout), then for each side and each run starts a fresh emulator in count-only mode
(tests/NodeAgent.ElasticsearchEmulator, built once with `dotnet build -c Release`), starts the shipper on the files
with its own empty state, and waits until the emulator's /_emulator/stats holds every line as a document. Prints
lines per second, CPU seconds per million lines, lines per CPU-second and peak RSS (VmHWM) of the shipper alone
(from /proc/<pid>/stat, all threads), both sides side by side, and the ratio of CPU per line (target: NodeAgent at
most a sixth of rsyslog's).

- NodeAgent: artifacts/publish/node-agent (`dotnet publish src/NodeAgent -c Release -o artifacts/publish`), defaults
  (gzip, 5 MiB bulks, data stream logs-kubernetes.container_logs-default).
- rsyslog: its own rsyslogd in the foreground (`rsyslogd -n -f <conf> -i <pidfile>`, own work directory; the
  system's rsyslog is not touched), imfile (inotify) on the same wildcard, omelasticsearch with bulkmode, `create`
  into the data stream with an `_id` from the file name and offset (omelasticsearch requires bulkid + dynbulkid
  for create; --rsyslog-id uuid uses a random one),
  a linked-list action queue and endless retries. Installed with apt-get when missing (root, else sudo).

Usage: python3 bench/ship_vs_rsyslog.py [--lines 500000] [--files 1] [--runs 2] [--timeout 300]
           [--only agent|rsyslog] [--rsyslog-id offset|uuid] [--agent-arg=--Elasticsearch:Compression=none ...]
"""
import argparse
import glob
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from procstat import cpu_times, free_port, peak_rss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR_PROJECT = os.path.join(ROOT, "tests", "NodeAgent.ElasticsearchEmulator")
DATA_STREAM = "logs-kubernetes.container_logs-default"
# `_id` templates: the file and offset of the line (deterministic, as NodeAgent's), or a random uuid per line.
ID_TEMPLATES = {"offset": "%$!metadata!filename%:%$!metadata!fileoffset%", "uuid": "%uuid%"}
PAYLOAD = "GET /api/v1/orders/12345 200 1532 0.012 user-agent=Mozilla/5.0 trace=4bf92f3577b34da6a3ce929d0e0e4736"


class BenchError(Exception):
    pass








def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def stop(proc, timeout=20):
    """SIGTERM, then SIGKILL; the process was started in its own session, so its whole group goes."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)


def run_cmd(cmd, what):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}): {' '.join(cmd)}\n{result.stdout[-3000:]}")


class Emulator:
    """The emulator as a process, count-only, on a free port; stopped with SIGTERM (it prints a summary)."""

    def __init__(self, binary, work, tag):
        self.log = os.path.join(work, f"emulator-{tag}.log")
        self.proc = None
        self.binary = binary
        self.url = None

    def __enter__(self):
        out = open(self.log, "w")
        self.proc = subprocess.Popen(self.binary + ["--port", str(free_port()), "--count-only"],
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = tail(self.log, 50)
            if "listening on " in text:
                self.url = text.split("listening on ", 1)[1].split()[0]
                return self
            if self.proc.poll() is not None:
                raise BenchError(f"the emulator exited with {self.proc.returncode} before listening:\n{text}")
            time.sleep(0.1)
        raise BenchError(f"the emulator did not print its URL within 60 s:\n{tail(self.log)}")

    def stats(self):
        try:
            with urllib.request.urlopen(f"{self.url}/_emulator/stats", timeout=5) as r:
                return json.load(r)
        except (OSError, ValueError):
            return None

    def summary(self):
        return tail(self.log, 1).strip()

    def __exit__(self, *exc):
        stop(self.proc)


def write_files(work, lines, files):
    per_file = lines // files
    for n in range(files):
        pod_dir = os.path.join(work, "pods", f"bench_pod-{n}_{n:08x}-0000-4000-8000-000000000000", "app")
        os.makedirs(pod_dir)
        with open(os.path.join(pod_dir, "0.log"), "w") as f:
            for i in range(per_file):
                f.write(f"2026-11-28T10:15:{i % 60:02d}.{i % 1000000000:09d}Z stdout F {PAYLOAD} {i}\n")
    return per_file * files


def measure(name, cmd, emulator, total, timeout, log, cwd=None):
    """Starts cmd, waits until the emulator holds `total` documents, returns the shipper's figures."""
    out = open(log, "w")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd)
    out.close()
    try:
        deadline = time.monotonic() + timeout
        stats = None
        while True:
            if proc.poll() is not None:
                raise BenchError(f"{name} exited with {proc.returncode} before shipping {total:,} lines "
                                 f"(emulator: {stats}).\nIts output ({log}):\n{tail(log)}")
            stats = emulator.stats() or stats
            if stats and stats["documents"] >= total:
                break
            if time.monotonic() > deadline:
                got = stats["documents"] if stats else "unknown"
                raise BenchError(f"timeout: {name} shipped {got} of {total:,} lines in {timeout} s.\n"
                                 f"emulator stats: {json.dumps(stats)}\nits output ({log}):\n{tail(log)}")
            time.sleep(0.05)
        wall = time.perf_counter() - start
        (user, system), rss = cpu_times(proc.pid), peak_rss(proc.pid)
    finally:
        stop(proc)
    items = stats["items"]
    if stats["documents"] != total or items["conflict"] or items["rejected"] or items["mapping_error"] or items["other"]:
        print(f"  warning: {name}: {stats['documents']:,} documents for {total:,} lines, items {items}", flush=True)
    return {"wall": wall, "cpu": user + system, "user": user, "system": system, "rss": rss, "requests": stats["bulk_requests"],
            "sent": stats["bytes_received"], "decompressed": stats["bytes_decompressed"],
            "status": stats["requests_by_status"]}


def ensure_rsyslog():
    """rsyslogd and omelasticsearch, installed with apt-get (as root, else through sudo) when missing."""
    def present():
        return shutil.which("rsyslogd") and (glob.glob("/usr/lib/*/rsyslog/omelasticsearch.so")
                                             or glob.glob("/usr/lib/rsyslog/omelasticsearch.so")
                                             or glob.glob("/usr/lib64/rsyslog/omelasticsearch.so"))
    if present():
        return
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n"]
    else:
        raise BenchError("rsyslog is missing and this is not root, without sudo: install it first with\n"
                         "  apt-get install -y rsyslog rsyslog-elasticsearch")
    print("installing rsyslog rsyslog-elasticsearch with apt-get ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (prefix + ["apt-get", "update", "-q"], prefix + ["apt-get", "install", "-y", "-q", "rsyslog", "rsyslog-elasticsearch"]):
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        if result.returncode != 0:
            raise BenchError(f"{' '.join(cmd)} failed (exit {result.returncode}); install rsyslog and "
                             f"rsyslog-elasticsearch by hand:\n{result.stdout[-2000:]}")
    if not present():
        raise BenchError("rsyslogd or omelasticsearch.so still missing after apt-get install rsyslog rsyslog-elasticsearch")


def rsyslog_config(files_glob, workdir, url, errors, id_kind):
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    return f"""# generated by bench/ship_vs_rsyslog.py
global(workDirectory="{workdir}")
module(load="imfile" mode="inotify")
module(load="omelasticsearch")

input(type="imfile" file="{files_glob}" tag="kubernetes" ruleset="ship" addMetadata="on")

# One JSON document a line: the time rsyslog read it, the raw CRI line (not parsed), the file.
template(name="doc" type="list" option.jsonf="on") {{
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
  property(outname="log.file.path" name="$!metadata!filename" format="jsonf")
}}
# writeoperation="create" (the only action a data stream takes) requires bulkid with dynbulkid.
template(name="docid" type="string" string="{ID_TEMPLATES[id_kind]}")

ruleset(name="ship") {{
  action(type="omelasticsearch" server="{host}" serverport="{port}" template="doc"
         searchIndex="{DATA_STREAM}" searchType=""
         bulkmode="on" writeoperation="create" bulkid="docid" dynbulkid="on"
         errorFile="{errors}"
         queue.type="linkedlist" queue.size="100000" queue.dequeueBatchSize="1000"
         action.resumeRetryCount="-1")
}}
"""


def run_agent(agent, work, emulator, total, files, timeout, run, extra):
    state = os.path.join(work, f"agent-state-{run}")
    cmd = [agent, f"--Http:ListenAddress=127.0.0.1:{free_port()}", "--Metrics:Enabled=false",
           f"--Logs:Include:0={work}/pods/*/*/*.log", f"--Logs:StatePath={state}",
           f"--Logs:MaxOpenFiles={max(1024, files + 16)}", f"--Elasticsearch:Urls:0={emulator.url}"] + extra
    try:
        return measure("node-agent", cmd, emulator, total, timeout, os.path.join(work, f"agent-{run}.log"))
    finally:
        shutil.rmtree(state, ignore_errors=True)


def run_rsyslog(work, emulator, total, timeout, run, id_kind):
    rswork = os.path.join(work, f"rsyslog-{run}")
    os.makedirs(rswork)
    errors = os.path.join(rswork, "es-errors.json")
    conf = os.path.join(rswork, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(rsyslog_config(f"{work}/pods/*/*/*.log", rswork, emulator.url, errors, id_kind))
    check = subprocess.run(["rsyslogd", "-N1", "-f", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check.returncode != 0:
        raise BenchError(f"rsyslogd rejected the configuration {conf}:\n{check.stdout}")
    cmd = ["rsyslogd", "-n", "-f", conf, "-i", os.path.join(rswork, "rsyslogd.pid")]
    try:
        result = measure("rsyslogd", cmd, emulator, total, timeout, os.path.join(work, f"rsyslog-{run}.log"), cwd=rswork)
    except BenchError as e:
        raise BenchError(f"{e}\nomelasticsearch error file:\n{tail(errors, 20)}") from None
    if os.path.exists(errors) and os.path.getsize(errors) > 0:
        print(f"  warning: omelasticsearch wrote errors to {errors}:\n{tail(errors, 10)}", flush=True)
    shutil.rmtree(rswork, ignore_errors=True)
    return result


def fmt(total, r):
    return (f"wall {r['wall']:6.2f} s  lines/s {total / r['wall']:>9,.0f}  CPU {r['cpu']:6.2f} s (sys {r['system']:.2f})  "
            f"CPU s/M lines {r['cpu'] / total * 1e6:6.2f}  lines/CPU-s {total / r['cpu']:>9,.0f}  "
            f"peak RSS {r['rss'] / 2**20:6.1f} MiB  bulks {r['requests']:,}  "
            f"sent {r['sent'] / 2**20:.1f} MiB ({r['decompressed'] / 2**20:.1f} MiB as NDJSON)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2, help="runs of each side, alternated (default 2)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds one run may take to ship every line")
    parser.add_argument("--only", choices=["agent", "rsyslog"])
    parser.add_argument("--rsyslog-id", choices=sorted(ID_TEMPLATES), default="offset",
                        help="rsyslog's _id: file and offset of the line (default) or a uuid")
    parser.add_argument("--agent-arg", action="append", default=[],
                        help="extra agent option, e.g. --agent-arg=--Elasticsearch:Compression=none")
    parser.add_argument("--agent", default=os.path.join(ROOT, "artifacts", "publish", "node-agent"))
    args = parser.parse_args()
    # SIGTERM ends the script through the finally blocks, which stop every child and remove the files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    sides = ["agent", "rsyslog"] if args.only is None else [args.only]
    if "agent" in sides and not os.access(args.agent, os.X_OK):
        raise BenchError(f"{args.agent} is missing: dotnet publish src/NodeAgent -c Release -o artifacts/publish")
    if "rsyslog" in sides:
        ensure_rsyslog()
    print("building the emulator (dotnet build -c Release) ...", flush=True)
    run_cmd(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", EMULATOR_PROJECT], "building the emulator")
    built = glob.glob(os.path.join(EMULATOR_PROJECT, "bin", "Release", "net*", "NodeAgent.ElasticsearchEmulator.dll"))
    if not built:
        raise BenchError("the emulator's build output NodeAgent.ElasticsearchEmulator.dll was not found")
    emulator_cmd = ["dotnet", sorted(built)[-1]]

    work = tempfile.mkdtemp(prefix="nodeagent-ship-bench-")
    results = {side: [] for side in sides}
    try:
        total = write_files(work, args.lines, args.files)
        print(f"lines: {total:,} in {args.files} file(s) of ~{len(PAYLOAD) + 50} bytes a line; "
              f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the start", flush=True)
        for run in range(1, args.runs + 1):
            for side in sides:
                with Emulator(emulator_cmd, work, f"{side}-{run}") as emulator:
                    if side == "agent":
                        r = run_agent(args.agent, work, emulator, total, args.files, args.timeout, run, args.agent_arg)
                    else:
                        r = run_rsyslog(work, emulator, total, args.timeout, run, args.rsyslog_id)
                results[side].append(r)
                print(f"{'NodeAgent' if side == 'agent' else 'rsyslog':9} run {run}: {fmt(total, r)}", flush=True)
                print(f"          emulator: {emulator.summary()}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"{'median of ' + str(args.runs):14} {'lines/s':>10} {'CPU s/M lines':>14} {'lines/CPU-s':>12} {'peak RSS':>10}")
    medians = {}
    for side in sides:
        rs = results[side]
        cpu_per_m = statistics.median(r["cpu"] / total * 1e6 for r in rs)
        medians[side] = cpu_per_m
        print(f"{'NodeAgent' if side == 'agent' else 'rsyslog':14} {statistics.median(total / r['wall'] for r in rs):>10,.0f} "
              f"{cpu_per_m:>14.2f} {1e6 / cpu_per_m:>12,.0f} {statistics.median(r['rss'] for r in rs) / 2**20:>7.1f} MiB")
    if len(medians) == 2:
        ratio = medians["agent"] / medians["rsyslog"]
        best = min(r["cpu"] for r in results["agent"]) / min(r["cpu"] for r in results["rsyslog"])
        print(f"CPU per line, NodeAgent / rsyslog: {ratio:.3f} (1/{1 / ratio:.1f}; best runs {best:.3f}) "
              f"-> {'meets' if ratio <= 1 / 6 else 'MISSES'} the target of at most 1/6")
    print("""
Per line, NodeAgent: reads the file, frames the line, parses CRI (timestamp, stream, P/F partial joining), takes
  namespace/pod/uid/container from the path, writes a full ECS document (@timestamp from CRI, message without the CRI
  prefix, stream, log.offset, log.file.path, kubernetes.*, host, data_stream, event, agent, ecs) with a deterministic
  _id, `create` into the data stream, gzip-compressed bulks of up to 5 MiB, reads every item of the answer, and moves
  its checkpoint only past acknowledged lines.
Per line, rsyslog: imfile reads the line into a syslog message object, the template writes @timestamp (the time it
  was read, not the CRI time), message (the raw CRI line, unparsed) and log.file.path, with a uuid _id, `create`
  into the data stream, uncompressed NDJSON bulks of up to 1,000 documents (omelasticsearch has no compression
  option in this version), and reads the answer.""")


if __name__ == "__main__":
    try:
        main()
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
