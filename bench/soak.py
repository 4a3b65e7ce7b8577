#!/usr/bin/env python3
"""Soak test (issue 11): the published agent on a busy node with rotating logs while Elasticsearch misbehaves.

What it runs, all under a temporary node root (removed at the end unless --keep):
- Writers (one separate process): --files containers in kubelet's CRI layout,
  <root>/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log, with kubelet's links
  <root>/var/log/containers/<pod>_<ns>_<container>-<64 hex>.log, together --lines-per-second CRI lines. Every line
  carries its number, `soak-<file>-<line>`, so each line is checked at the end; some are stderr, some are split by
  the runtime into a P and an F part (written at once, so a rotation never falls between them). Each file rotates
  every --rotate-seconds (spread evenly over the files; a file with no new line is left alone) as kubelet does it:
  temporary files removed, rotated files beyond containerLogMaxFiles - 2 (5 - 2) deleted oldest first, uncompressed
  rotated files gzipped (<name>.gz.tmp, renamed to <name>.gz, original removed), then 0.log renamed to
  0.log.<YYYYmmdd-HHMMSS>; as with a real runtime before it reopens, the file's next line still lands in the renamed
  file right after the rename, then a new 0.log is started.
- The Elasticsearch emulator (tests/NodeAgent.ElasticsearchEmulator as a process, `dotnet build -c Release` first),
  storing sources (count-only mode keeps no message, and the _id cannot be traced back to a line number here). Its
  faults (POST /_emulator/faults) cycle through a 10-minute schedule, squeezed to fit runs shorter than that: calm,
  a 429 storm on items (item_rejection_ratio), a 429 storm on requests (request_rejection_ratio), a 503 outage
  (outage=unavailable, 2 minutes), slow answers (latency_ms) and dropped connections (drop_ratio: half of those
  bulks were stored, so their retry must answer 409, never store twice).
- The agent: --agent (default artifacts/publish/node-agent; `dotnet publish src/NodeAgent -c Release -o
  artifacts/publish`) with --Logs:Include on the links, its own --Logs:StatePath, Kubernetes off, /metrics on a free
  loopback port, --Logs:MaxOpenFiles max(1024, 2 * files + 64) (each container's current file plus one rotated file
  being drained; pass --agent-arg=--Logs:MaxOpenFiles=1024 for the default), plus any --agent-arg. With
  --memory-limit 256MiB it runs in a memory cgroup: `systemd-run --scope -p MemoryMax=...` where systemd runs, else
  a cgroup v2 group of its own (root); without either the script refuses rather than run unlimited.

What it prints: the agent's /healthz every second (non-200 answers and failures counted), a timed /metrics scrape
every 15 s, and each minute one row: phases of the minute, lines written and stored, lag in lines (written minus
stored), the agent's own lag (sum of nodeagent_log_lag_bytes, max nodeagent_log_lag_seconds,
nodeagent_log_buffered_bytes), RSS, open descriptors (/proc/<pid>/fd), threads, CPU, non-200 /healthz, the slowest
scrape, nodeagent_log_bytes_lost_total and the emulator's RSS. At the end it stops the writers, clears the faults,
waits (at most --drain-timeout) until every line is stored or nothing moves any more, reads every stored document
back (/_emulator/documents, streamed) and counts per line number: lost (written, never stored) and duplicated
(stored more than once). Expected: RSS, descriptors and threads flat; lost 0; duplicated 0; /healthz always 200 and
every scrape under 1 s. Exit status 0 when all of that holds, 1 when not, 2 on a setup error.

Usage: python3 bench/soak.py [--minutes 30] [--files 1000] [--rotate-seconds 5] [--lines-per-second 500]
           [--agent PATH] [--agent-arg=--Key=value ...] [--memory-limit 256MiB] [--drain-timeout 300] [--keep]
The emulator keeps every document (~1 KB each) and builds the read-back in memory: the default 900,000 lines take
about 2 GB of its memory at the end; its read-back cannot exceed 2 GB, so keep minutes * 60 * lines-per-second
under about 1.5 million.
"""
import argparse
import bisect
import glob
import gzip
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from procstat import cpu_seconds, free_port, open_fds, rss, threads
from ship_vs_rsyslog import BenchError, run_cmd, stop, tail

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR_PROJECT = os.path.join(ROOT, "tests", "NodeAgent.ElasticsearchEmulator")
DATA_STREAM = "logs-kubernetes.container_logs-default"
PAYLOAD = "GET /api/v1/orders/12345 200 1532 0.012 user-agent=Mozilla/5.0 trace=4bf92f3577b34da6a3ce929d0e0e4736"
LINE_NUMBER = re.compile(r"soak-(\d+)-(\d+) ")
MAX_FILES = 5  # kubelet's containerLogMaxFiles default: 0.log and at most 4 rotated files
# One cycle of (phase, seconds, faults); runs shorter than a cycle get every phase, shortened in proportion.
CYCLE = [
    ("calm", 60, {}),
    ("429item", 90, {"item_rejection_ratio": 0.5}),
    ("429req", 60, {"request_rejection_ratio": 0.7}),
    ("calm", 30, {}),
    ("503", 120, {"outage": "unavailable"}),
    ("slow", 90, {"latency_ms": 2000}),
    ("drops", 60, {"drop_ratio": 0.2}),
    ("calm", 90, {}),
]
SCRAPE_EVERY = 15


# ---- the node: layout, writers, kubelet's rotation (run in a separate process) ----

def layout(root, files):
    """Creates every container's directory, an empty 0.log and kubelet's link; returns the 0.log paths."""
    pods, links = os.path.join(root, "var", "log", "pods"), os.path.join(root, "var", "log", "containers")
    os.makedirs(links)
    paths = []
    for i in range(files):
        ns, pod, uid = f"soak-ns-{i % 10}", f"soak-pod-{i:04d}", f"{i:08x}-0000-4000-8000-{i:012x}"
        directory = os.path.join(pods, f"{ns}_{pod}_{uid}", "app")
        os.makedirs(directory)
        path = os.path.join(directory, "0.log")
        open(path, "w").close()
        os.symlink(path, os.path.join(links, f"{pod}_{ns}_app-{i:064x}.log"))
        paths.append(path)
    return paths


def cri_lines(i, n):
    """Line n of file i: CRI, numbered; every 16th message split by the runtime into P and F parts."""
    ns = time.time_ns()
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1_000_000_000)) + f".{ns % 1_000_000_000:09d}Z"
    stream = "stderr" if n % 7 == 3 else "stdout"
    message = f"soak-{i:04d}-{n:09d} {PAYLOAD}"
    if n % 16 == 5:
        cut = len(message) // 2
        return f"{ts} {stream} P {message[:cut]}\n{ts} {stream} F {message[cut:]}\n".encode()
    return f"{ts} {stream} F {message}\n".encode()


class Node:
    """The writers' side: the open 0.log of each container, and kubelet's rotation of it."""

    def __init__(self, paths, written, counters):
        self.paths, self.written, self.counters = paths, written, counters
        self.fds = [os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640) for p in paths]
        self.ahead = [False] * len(paths)  # the file's next line was already written, into the renamed file
        self.since_rotation = [0] * len(paths)

    def write(self, i):
        """Line written[i] of file i, unless a rotation wrote it early."""
        if self.ahead[i]:
            self.ahead[i] = False
            return
        self._append(self.fds[i], i)
        self.since_rotation[i] += 1

    def _append(self, fd, i):
        os.write(fd, cri_lines(i, self.written[i]))
        self.written[i] += 1

    def rotate(self, i):
        """pkg/kubelet/logs/container_log_manager.go's order: clean up, remove excess, compress, rename, reopen."""
        if self.since_rotation[i] == 0:
            return
        log = self.paths[i]
        directory, base = os.path.split(log)
        rotated = sorted(n for n in os.listdir(directory) if n.startswith(base + "."))
        for name in [n for n in rotated if n.endswith(".tmp")]:
            os.remove(os.path.join(directory, name))
        rotated = [n for n in rotated if not n.endswith(".tmp")]
        excess = max(0, len(rotated) - (MAX_FILES - 2))
        for name in rotated[:excess]:
            os.remove(os.path.join(directory, name))
            self.counters[2] += 1
        for name in rotated[excess:]:
            if not name.endswith(".gz"):
                source = os.path.join(directory, name)
                with open(source, "rb") as f, gzip.open(source + ".gz.tmp", "wb") as out:
                    shutil.copyfileobj(f, out)
                os.rename(source + ".gz.tmp", source + ".gz")
                os.remove(source)
                self.counters[1] += 1
        target = f"{log}.{time.strftime('%Y%m%d-%H%M%S')}"
        if os.path.exists(target):  # two rotations of one file within a second: kubelet never does that
            self.counters[3] += 1
            return
        os.rename(log, target)
        self.counters[0] += 1
        # Until kubelet's ReopenContainerLog reaches it, the runtime writes on through its old handle: the file's
        # next line lands in the renamed file, right after the rename (its turn in the round robin is then skipped,
        # so the lines keep their order and pace).
        if not self.ahead[i]:
            self._append(self.fds[i], i)
            self.ahead[i] = True
        os.close(self.fds[i])
        self.fds[i] = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        self.since_rotation[i] = 0


def writer_main(paths, lines_per_second, rotate_seconds, written, counters, stop_event):
    """The writer process: lines due at the rate, round robin over the files; rotations spread evenly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it, also on Ctrl-C
    node, files = Node(paths, written, counters), len(paths)
    start, total, cursor, rotations = time.monotonic(), 0, 0, 0
    while not stop_event.is_set():
        now = time.monotonic()
        for _ in range(int((now - start) * lines_per_second) - total):
            node.write(cursor)
            cursor = (cursor + 1) % files
            total += 1
        # Rotation r (of file r % files) is due at start + rotate_seconds * (1 + r / files): every file lives one
        # period before its first rotation, then they come evenly spread.
        while start + rotate_seconds * (1 + rotations / files) <= now:
            node.rotate(rotations % files)
            rotations += 1
        time.sleep(0.02)


# ---- the emulator, the agent, and what is measured of them ----

class Emulator:
    """The emulator as a process on a free port, keeping sources; stopped with SIGTERM."""

    def __init__(self, work):
        self.log, self.proc, self.url = os.path.join(work, "emulator.log"), None, None

    def start(self):
        run_cmd(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", EMULATOR_PROJECT], "building the emulator")
        built = glob.glob(os.path.join(EMULATOR_PROJECT, "bin", "Release", "net*", "NodeAgent.ElasticsearchEmulator.dll"))
        if not built:
            raise BenchError("the emulator's build output NodeAgent.ElasticsearchEmulator.dll was not found")
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(["dotnet", sorted(built)[-1], "--port", str(free_port()), "--seed", "11"],
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = tail(self.log, 50)
            if "listening on " in text:
                self.url = text.split("listening on ", 1)[1].split()[0]
                return
            if self.proc.poll() is not None:
                raise BenchError(f"the emulator exited with {self.proc.returncode}:\n{text}")
            time.sleep(0.1)
        raise BenchError(f"the emulator did not print its URL within 60 s:\n{tail(self.log)}")

    def call(self, method, path, body=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return json.load(r)

    def faults(self, faults):
        self.call("DELETE", "/_emulator/faults")
        if faults:
            self.call("POST", "/_emulator/faults", faults)

    def documents(self, target):
        """Each stored document's message, streamed from /_emulator/documents."""
        with urllib.request.urlopen(f"{self.url}/_emulator/documents/{target}", timeout=1800) as r:
            for raw in r:
                yield json.loads(raw).get("_source", {}).get("message", "")


def memory_cgroup(limit):
    """(command prefix, preexec function, cgroup path or None) that run the agent within `limit` bytes."""
    if shutil.which("systemd-run") and os.path.isdir("/run/systemd/system"):
        prefix = ["systemd-run", "--scope", "--quiet", "--collect", "-p", f"MemoryMax={limit}", "-p", "MemorySwapMax=0"]
        return (prefix if os.geteuid() == 0 else prefix[:1] + ["--user"] + prefix[1:]), None, None
    unified = "/sys/fs/cgroup"
    try:
        with open(os.path.join(unified, "cgroup.subtree_control")) as f:
            usable = "memory" in f.read().split() and os.geteuid() == 0
    except OSError:
        usable = False
    if not usable:
        raise BenchError("--memory-limit needs systemd (systemd-run --scope) or, as root, cgroup v2 at /sys/fs/cgroup "
                         "with the memory controller; neither is here")
    group = os.path.join(unified, f"nodeagent-soak-{os.getpid()}")
    os.mkdir(group)
    with open(os.path.join(group, "memory.max"), "w") as f:
        f.write(str(limit))
    if os.path.exists(os.path.join(group, "memory.swap.max")):
        with open(os.path.join(group, "memory.swap.max"), "w") as f:
            f.write("0")

    def join():
        with open(os.path.join(group, "cgroup.procs"), "w") as f:
            f.write("0")
    return [], join, group


def cgroup_of(pid):
    """The cgroup v2 directory of a process, for memory.peak and memory.events."""
    try:
        with open(f"/proc/{pid}/cgroup") as f:
            for line in f:
                if line.startswith("0::"):
                    return "/sys/fs/cgroup" + line.strip()[3:]
    except OSError:
        pass
    return None


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return "?"


def parse_size(text):
    units = {"": 1, "k": 1024, "kib": 1024, "m": 2**20, "mib": 2**20, "g": 2**30, "gib": 2**30}
    m = re.fullmatch(r"(\d+)\s*([a-z]*)", text.strip().lower())
    if not m or m.group(2) not in units:
        raise argparse.ArgumentTypeError(f"{text}: expected a size such as 256MiB")
    return int(m.group(1)) * units[m.group(2)]


def scrape(port):
    """(seconds, figures) of one /metrics scrape; figures None when it failed."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=15) as r:
            body = r.read().decode()
    except (OSError, ValueError):
        return time.perf_counter() - start, None
    seconds = time.perf_counter() - start
    m = {"lag_bytes": 0.0, "lag_seconds": 0.0, "buffered": 0.0, "queue": 0.0, "lost_bytes": 0.0, "docs": {}}
    for line in body.split("\n"):
        if not line.startswith("nodeagent_"):
            continue
        series, _, value = line.rpartition(" ")
        name, v = series.split("{", 1)[0], float(value)
        if name == "nodeagent_log_lag_bytes":
            m["lag_bytes"] += v
        elif name == "nodeagent_log_lag_seconds":
            m["lag_seconds"] = max(m["lag_seconds"], v)
        elif name == "nodeagent_log_buffered_bytes":
            m["buffered"] = v
        elif name == "nodeagent_elasticsearch_queue_bytes":
            m["queue"] = v
        elif name == "nodeagent_log_bytes_lost_total":
            m["lost_bytes"] += v
        elif name == "nodeagent_elasticsearch_documents_total":
            m["docs"][series.split('result="', 1)[1].split('"', 1)[0]] = v
    return seconds, m


class HealthProbe(threading.Thread):
    """GET /healthz once a second; counts answers other than 200 (failures included) and the slowest answer."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.url, self.stopped = f"http://127.0.0.1:{port}/healthz", threading.Event()
        self.lock = threading.Lock()
        self.probes, self.bad, self.bad_minute, self.slowest, self.answers = 0, 0, 0, 0.0, {}

    def run(self):
        due = time.monotonic()
        while not self.stopped.is_set():
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except (OSError, ValueError) as e:
                status = type(e).__name__
            with self.lock:
                self.probes += 1
                self.slowest = max(self.slowest, time.perf_counter() - start)
                if status != 200:
                    self.bad += 1
                    self.bad_minute += 1
                    self.answers[status] = self.answers.get(status, 0) + 1
            due += 1
            self.stopped.wait(max(0.0, due - time.monotonic()))

    def take_minute(self):
        with self.lock:
            bad, self.bad_minute = self.bad_minute, 0
            return bad


# ---- the run ----

def schedule(seconds):
    """[(start second, phase, faults)] over the run: the cycle repeated, squeezed when the run is shorter."""
    cycle = sum(s for _, s, _ in CYCLE)
    scale = min(1.0, seconds / cycle)
    out, t = [], 0.0
    while t < seconds:
        for name, length, faults in CYCLE:
            if t >= seconds:
                break
            out.append((t, name, faults))
            t += length * scale
    return out


HEADER = (f"{'min':>3} {'phases':<30} {'written':>9} {'stored':>9} {'lag ln':>7} {'lag MiB':>7} {'lag s':>6} "
          f"{'buf MiB':>7} {'RSS MiB':>7} {'fds':>5} {'thr':>4} {'cpu%':>5} {'hz!200':>6} {'scrape s':>8} "
          f"{'lost B':>7} {'emu MiB':>7}")


def run(args, work):
    emulator = Emulator(work)
    agent = writer = probe = cgroup = None
    # spawn, not fork: the writer starts clean, without this process's threads and sockets.
    context = multiprocessing.get_context("spawn")
    stop_writers = context.Event()
    try:
        emulator.start()
        root = os.path.join(work, "node")
        paths = layout(root, args.files)
        written = context.Array("q", args.files, lock=False)
        counters = context.Array("q", 4, lock=False)  # rotations, compressed, deleted, skipped

        port = free_port()
        cmd = [args.agent, f"--Http:ListenAddress=127.0.0.1:{port}", "--Node:Name=soak-node", "--Kubernetes:Enabled=false",
               f"--Logs:Include:0={root}/var/log/containers/*.log", f"--Logs:StatePath={root}/var/lib/node-agent",
               f"--Logs:MaxOpenFiles={max(1024, 2 * args.files + 64)}", f"--Elasticsearch:Urls:0={emulator.url}"]
        cmd += args.agent_arg
        prefix, preexec = [], None
        if args.memory_limit:
            prefix, preexec, cgroup = memory_cgroup(args.memory_limit)
        agent_log = os.path.join(work, "agent.log")
        with open(agent_log, "w") as out:
            agent = subprocess.Popen(prefix + cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=preexec)
        deadline = time.monotonic() + 30
        while scrape(port)[1] is None:
            if agent.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"the agent did not serve /metrics (exit {agent.poll()}):\n{tail(agent_log)}")
            time.sleep(0.2)
        cgroup = cgroup or (cgroup_of(agent.pid) if args.memory_limit else None)

        seconds = args.minutes * 60
        plan = schedule(seconds)
        print(f"node root {root}; {args.files} files, {args.lines_per_second} lines/s, each file rotated every "
              f"{args.rotate_seconds} s; emulator {emulator.url}; agent pid {agent.pid}"
              f"{f' in a memory cgroup of {args.memory_limit / 2**20:.0f} MiB' if args.memory_limit else ''}\n"
              f"agent: {' '.join(prefix + cmd)}\n"
              f"faults: " + ", ".join(f"{t / 60:.1f}m {name}" for t, name, _ in plan), flush=True)

        writer = context.Process(
            target=writer_main, args=(paths, args.lines_per_second, args.rotate_seconds, written, counters, stop_writers))
        writer.start()
        probe = HealthProbe(port)
        probe.start()
        print(HEADER, flush=True)

        start = time.monotonic()
        rows, max_scrape, phase_index, phases = [], 0.0, -1, []
        cpu_before, next_scrape, next_row, minute = cpu_seconds(agent.pid), start, start + 60, 1
        metrics, minute_scrape = None, 0.0
        while True:
            now = time.monotonic() - start
            while phase_index + 1 < len(plan) and plan[phase_index + 1][0] <= now:
                phase_index += 1
                emulator.faults(plan[phase_index][2])
                phases.append(plan[phase_index][1])
            if agent.poll() is not None:
                raise BenchError(f"the agent exited with {agent.returncode} at {now:.0f} s:\n{tail(agent_log)}")
            if not writer.is_alive():
                raise BenchError(f"the writer process ended with {writer.exitcode} at {now:.0f} s")
            if time.monotonic() >= next_scrape:
                took, m = scrape(port)
                minute_scrape, max_scrape = max(minute_scrape, took), max(max_scrape, took)
                metrics = m or metrics
                next_scrape += SCRAPE_EVERY
            if time.monotonic() >= next_row:
                cpu = cpu_seconds(agent.pid)
                stored = emulator.call("GET", "/_emulator/stats")["documents"]
                row = {"rss": rss(agent.pid), "fds": open_fds(agent.pid), "threads": threads(agent.pid)}
                rows.append(row)
                total = sum(written)
                m = metrics or {"lag_bytes": 0, "lag_seconds": 0, "buffered": 0, "lost_bytes": 0}
                names = "+".join(dict.fromkeys(phases))
                print(f"{minute:>3} {names[:30]:<30} {total:>9,} {stored:>9,} {total - stored:>7,} "
                      f"{m['lag_bytes'] / 2**20:>7.2f} {m['lag_seconds']:>6.1f} {m['buffered'] / 2**20:>7.2f} "
                      f"{row['rss'] / 2**20:>7.1f} {row['fds']:>5} {row['threads']:>4} {(cpu - cpu_before) / 0.6:>5.1f} "
                      f"{probe.take_minute():>6} {minute_scrape:>8.3f} {m['lost_bytes']:>7.0f} "
                      f"{rss(emulator.proc.pid) / 2**20:>7.0f}", flush=True)
                cpu_before, minute_scrape, phases, minute = cpu, 0.0, phases[-1:], minute + 1
                next_row += 60
                if minute > args.minutes:
                    break
            time.sleep(0.2)

        stop_writers.set()
        writer.join(30)
        if writer.exitcode != 0:
            raise BenchError(f"the writer process ended with {writer.exitcode}")
        emulator.faults({})
        total = sum(written)
        print(f"writers stopped at {total:,} lines ({counters[0]:,} rotations, {counters[1]:,} files compressed, "
              f"{counters[2]:,} deleted, {counters[3]:,} skipped in the same second); faults cleared; waiting for the agent (at most {args.drain_timeout} s)", flush=True)
        drained = drain(emulator, port, total, args.drain_timeout)
        took, metrics = scrape(port)
        max_scrape = max(max_scrape, took)
        probe.stopped.set()
        return report(args, work, plan, emulator, list(written), drained, metrics, rows, probe, max_scrape, agent, agent_log, cgroup)
    finally:
        stop_writers.set()
        if probe:
            probe.stopped.set()
        if writer is not None and writer.is_alive():
            writer.join(10)
            if writer.is_alive():
                writer.terminate()
        stop(agent)
        stop(emulator.proc)
        if cgroup and cgroup.startswith("/sys/fs/cgroup/nodeagent-soak-"):
            try:
                os.rmdir(cgroup)
            except OSError:
                pass


def drain(emulator, port, total, timeout):
    """Waits until every line is stored and the agent holds nothing, or nothing moved for 30 s with nothing held;
    returns the seconds it took, or None at the timeout."""
    start = time.monotonic()
    last, since = -1, start
    while time.monotonic() - start < timeout:
        stored = emulator.call("GET", "/_emulator/stats")["documents"]
        m = scrape(port)[1]
        idle = m is not None and m["buffered"] == 0 and m["queue"] == 0
        if stored != last:
            last, since = stored, time.monotonic()
        if idle and (stored >= total or time.monotonic() - since > 30):
            return time.monotonic() - start
        time.sleep(1)
    return None


def count_lines(written, messages):
    """(documents, lost lines as (file, line), extra copies stored, documents that are no written line) of the
    stored messages against written[i] lines written to file i."""
    seen = [bytearray(n) for n in written]
    stored = unknown = 0
    for message in messages:
        stored += 1
        m = LINE_NUMBER.match(message)
        i, n = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)
        if 0 <= i < len(seen) and n < len(seen[i]):
            seen[i][n] = min(255, seen[i][n] + 1)
        else:
            unknown += 1
    lost = [(i, n) for i, s in enumerate(seen) for n, c in enumerate(s) if c == 0]
    duplicated = sum(c - 1 for s in seen for c in s if c > 1)
    return stored, lost, duplicated, unknown


def report(args, work, plan, emulator, written, drained, metrics, rows, probe, max_scrape, agent, agent_log, cgroup):
    stats = emulator.call("GET", "/_emulator/stats")
    # The agent's data stream, unless an --agent-arg names another (later wins, as in the agent).
    target = ([a.split("=", 1)[1] for a in args.agent_arg if a.lower().startswith("--elasticsearch:datastream=")]
              or [DATA_STREAM])[-1]
    stored, lost, duplicated, unknown = count_lines(written, emulator.documents(target))
    total = sum(written)

    print()
    print(f"drained in {drained:.0f} s" if drained is not None else f"NOT drained within {args.drain_timeout} s")
    print(f"lines written {total:,}; documents stored {stored:,} (emulator items {stats['items']}, "
          f"requests by status {stats['requests_by_status']}, dropped connections {stats['dropped_connections']})")
    print(f"lost: {len(lost):,}   duplicated: {duplicated:,}   documents that are no written line: {unknown:,}")
    if lost:
        print("  first lost lines (file, line): " + ", ".join(f"({i}, {n})" for i, n in lost[:10]))
        if args.keep:
            with open(os.path.join(work, "lost.txt"), "w") as f:
                f.writelines(f"{i} {n}\n" for i, n in lost)
        # Round robin at a steady rate: line n of file i was line n * files + i of all, written about that many
        # lines-per-second after the writers started.
        starts = [t for t, _, _ in plan]
        by_phase = [0] * len(plan)
        for i, n in lost:
            by_phase[max(0, bisect.bisect_right(starts, (n * len(written) + i) / args.lines_per_second) - 1)] += 1
        print("  lost by the phase they were written in (approximate): "
              + ", ".join(f"{t / 60:.1f}m {name} {c:,}" for (t, name, _), c in zip(plan, by_phase)))
    if metrics:
        print(f"agent: documents {metrics['docs']}, bytes lost (nodeagent_log_bytes_lost_total) "
              f"{metrics['lost_bytes']:.0f}, lag {metrics['lag_bytes']:.0f} bytes")
    steady = rows[1:] or rows
    for key, label, unit in (("rss", "RSS", 2**20), ("fds", "open fds", 1), ("threads", "threads", 1)):
        values = [r[key] / unit for r in steady]
        print(f"{label:9} from minute {len(rows) - len(steady) + 1}: first {values[0]:.0f}, last {values[-1]:.0f}, "
              f"min {min(values):.0f}, max {max(values):.0f}")
    print(f"/healthz: {probe.probes:,} probes, {probe.bad:,} not 200 {probe.answers or ''}, slowest {probe.slowest:.3f} s; "
          f"slowest /metrics scrape {max_scrape:.3f} s")
    if cgroup:
        print(f"memory cgroup {cgroup}: peak {read_text(os.path.join(cgroup, 'memory.peak'))} bytes, "
              f"events {read_text(os.path.join(cgroup, 'memory.events')).replace(chr(10), ', ')}")
    stop(agent)
    print(f"agent exit code after SIGTERM: {agent.returncode}")
    warnings = {}
    with open(agent_log, errors="replace") as f:
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("level") in ("warn", "error", "fatal"):
                key = f"{entry['level']} {entry.get('event', '?')}"
                warnings[key] = warnings.get(key, 0) + 1
    print("agent warnings and errors: " + (", ".join(f"{k} x{v}" for k, v in sorted(warnings.items(), key=lambda kv: -kv[1]))
                                           or "none"))
    ok = (not lost and duplicated == 0 and unknown == 0 and probe.bad == 0 and max_scrape < 1 and drained is not None
          and agent.returncode == 0)
    print("PASS" if ok else "FAIL", "(expected: flat RSS, fds and threads; 0 lost; 0 duplicated; /healthz always 200; "
          "every scrape under 1 s; drained; exit code 0)")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rotate-seconds", type=float, default=5, help="each file is rotated this often (>= 1)")
    parser.add_argument("--lines-per-second", type=int, default=500, help="all files together")
    parser.add_argument("--agent", default=os.path.join(ROOT, "artifacts", "publish", "node-agent"))
    parser.add_argument("--agent-arg", action="append", default=[], help="extra agent option (later wins)")
    parser.add_argument("--memory-limit", type=parse_size, help="run the agent in a memory cgroup, e.g. 256MiB")
    parser.add_argument("--drain-timeout", type=int, default=300, help="seconds to wait for the agent at the end")
    parser.add_argument("--keep", action="store_true", help="keep the node root, state and logs")
    args = parser.parse_args()
    if args.rotate_seconds < 1 or args.files < 1 or args.minutes < 1 or args.lines_per_second < 1:
        parser.error("--rotate-seconds must be at least 1; --files, --minutes and --lines-per-second at least 1")
    if not os.access(args.agent, os.X_OK):
        raise BenchError(f"{args.agent} is missing: dotnet publish src/NodeAgent -c Release -o artifacts/publish")
    # SIGTERM ends the script through the finally blocks, which stop every child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="nodeagent-soak-")
    try:
        return run(args, work)
    finally:
        if args.keep:
            print(f"kept {work} (node root, agent state, agent.log, emulator.log, lost.txt: file and line of each lost line)")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted; every process stopped", file=sys.stderr)
        sys.exit(130)
