"""What the shipping benchmarks (ship_vs_rsyslog.py, ship_vs_syslog_ng.py) share: the Elasticsearch emulator as a
process, the CRI lines in kubelet's /var/log/pods layout, and one measured run of a shipper.

A run (`measure`) starts the shipper on an empty pods directory, lets it settle, reads its idle RSS, then moves
the pre-written pod directories in (a rename each, so every line is there at once), waits until the emulator
holds every line as a document, and reads the shipper's CPU and peak RSS (VmHWM) at that moment; a few seconds
later it reads the RSS once more (idle after shipping). CPU is counted from the moment the lines appeared, so
start-up is not in it.
"""
import glob
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from procstat import cpu_times, free_port, memory_map, peak_rss, rss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR_PROJECT = os.path.join(ROOT, "tests", "NodeAgent.ElasticsearchEmulator")
DATA_STREAM = "logs-kubernetes.container_logs-default"
PAYLOAD = "GET /api/v1/orders/12345 200 1532 0.012 user-agent=Mozilla/5.0 trace=4bf92f3577b34da6a3ce929d0e0e4736"
DEFAULT_AGENT = os.path.join(ROOT, "artifacts", "publish", "node-agent")
MiB = 2**20


class BenchError(Exception):
    pass


def run(main):
    """A bench script's entry point: its errors as one line on stderr and exit 1, ^C as exit 130."""
    try:
        main()
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)


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


def run_cmd(cmd, what, env=None, cwd=None):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd)
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}): {' '.join(cmd)}\n{result.stdout[-3000:]}")
    return result.stdout


def build_emulator():
    """Builds the emulator once (dotnet build -c Release) and returns the command that runs it."""
    print("building the emulator (dotnet build -c Release) ...", flush=True)
    run_cmd(["dotnet", "build", "-c", "Release", "--nologo", "-v", "q", EMULATOR_PROJECT], "building the emulator")
    built = glob.glob(os.path.join(EMULATOR_PROJECT, "bin", "Release", "net*", "NodeAgent.ElasticsearchEmulator.dll"))
    if not built:
        raise BenchError("the emulator's build output NodeAgent.ElasticsearchEmulator.dll was not found")
    return ["dotnet", sorted(built)[-1]]


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


class Lines:
    """Pre-written CRI files, one pod directory each, kept in a staging directory and moved into `pods` (the
    directory the shippers watch) for a run and back out after it."""

    def __init__(self, work, lines, files):
        self.stage = os.path.join(work, "stage")
        self.pods = os.path.join(work, "pods")
        self.glob = os.path.join(self.pods, "*", "*", "*.log")
        self.files = files
        os.makedirs(self.stage)
        os.makedirs(self.pods)
        per_file = lines // files
        self.names = []
        for n in range(files):
            name = f"bench_pod-{n}_{n:08x}-0000-4000-8000-000000000000"
            os.makedirs(os.path.join(self.stage, name, "app"))
            with open(os.path.join(self.stage, name, "app", "0.log"), "w") as f:
                for i in range(per_file):
                    f.write(f"2026-11-28T10:15:{i % 60:02d}.{i % 1000000000:09d}Z stdout F {PAYLOAD} {i}\n")
            self.names.append(name)
        self.total = per_file * files

    def put(self):
        for name in self.names:
            os.rename(os.path.join(self.stage, name), os.path.join(self.pods, name))

    def take_back(self):
        for name in self.names:
            if os.path.exists(os.path.join(self.pods, name)):
                os.rename(os.path.join(self.pods, name), os.path.join(self.stage, name))


def _alive(proc, name, log, what):
    if proc.poll() is not None:
        raise BenchError(f"{name} exited with {proc.returncode} {what}.\nIts output ({log}):\n{tail(log)}")


def measure(name, cmd, emulator, lines, timeout, log, cwd=None, env=None, ready=None, idle_wait=3.0, settle=5.0,
            maps=False):
    """Starts cmd on the empty pods directory, waits until ready() is true (if given) and idle_wait seconds more,
    reads the idle RSS, moves the lines in, waits until the emulator holds all of them, reads CPU and peak RSS,
    waits `settle` seconds and reads the RSS again. The lines are moved back out whatever happens. With `maps`, the
    RSS by kind of mapping (procstat.memory_map) is read at both idle points and every half second while shipping,
    and the sample with the most RSS kept."""
    total = lines.total
    out = open(log, "w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd, env=env)
    out.close()
    try:
        deadline = time.monotonic() + 60
        while ready is not None and not ready():
            _alive(proc, name, log, "before it was ready")
            if time.monotonic() > deadline:
                raise BenchError(f"{name} was not ready within 60 s.\nIts output ({log}):\n{tail(log)}")
            time.sleep(0.1)
        time.sleep(idle_wait)
        _alive(proc, name, log, "before the lines were put in place")
        idle_before, cpu_before = rss(proc.pid), sum(cpu_times(proc.pid))
        map_before = memory_map(proc.pid) if maps else None
        map_peak, next_map = None, 0.0
        start = time.perf_counter()
        lines.put()
        deadline = time.monotonic() + timeout
        stats = None
        while True:
            _alive(proc, name, log, f"before shipping {total:,} lines (emulator: {stats})")
            stats = emulator.stats() or stats
            if maps and time.monotonic() >= next_map:
                sample, next_map = memory_map(proc.pid), time.monotonic() + 0.5
                if map_peak is None or sum(sample.values()) > sum(map_peak.values()):
                    map_peak = sample
            if stats and stats["documents"] >= total:
                break
            if time.monotonic() > deadline:
                got = stats["documents"] if stats else "unknown"
                raise BenchError(f"timeout: {name} shipped {got} of {total:,} lines in {timeout} s.\n"
                                 f"emulator stats: {json.dumps(stats)}\nits output ({log}):\n{tail(log)}")
            time.sleep(0.05)
        wall = time.perf_counter() - start
        (user, system), peak = cpu_times(proc.pid), peak_rss(proc.pid)
        time.sleep(settle)
        _alive(proc, name, log, "after shipping every line")
        idle_after = rss(proc.pid)
        map_after = memory_map(proc.pid) if maps else None
    finally:
        stop(proc)
        lines.take_back()
    items = stats["items"]
    if stats["documents"] != total or items["conflict"] or items["rejected"] or items["mapping_error"] or items["other"]:
        print(f"  warning: {name}: {stats['documents']:,} documents for {total:,} lines, items {items}", flush=True)
    return {"wall": wall, "cpu": user + system - cpu_before, "system": system, "rss": peak,
            "idle_before": idle_before, "idle_after": idle_after, "requests": stats["bulk_requests"],
            "sent": stats["bytes_received"], "decompressed": stats["bytes_decompressed"],
            "status": stats["requests_by_status"], "maps": (map_before, map_peak, map_after) if maps else None}


def http_ok(url):
    """True when GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def agent_command(agent, work, lines, emulator, run, extra):
    """The agent on the lines' glob with its own empty state directory and listen port, its defaults otherwise
    (gzip, Elasticsearch:MaxBatchBytes, Logs:MaxBufferedBytes, metrics on); `extra` options go last and win.
    Returns (command, readiness URL, state directory)."""
    state = os.path.join(work, f"agent-state-{run}")
    port = free_port()
    cmd = [agent, f"--Http:ListenAddress=127.0.0.1:{port}",
           f"--Logs:Include:0={lines.glob}", f"--Logs:StatePath={state}",
           f"--Logs:MaxOpenFiles={max(1024, lines.files + 16)}", f"--Elasticsearch:Urls:0={emulator.url}"] + extra
    return cmd, f"http://127.0.0.1:{port}/readyz", state


def fmt_map(kinds):
    return " ".join(f"{k} {v / MiB:.1f}" for k, v in kinds.items()) if kinds else "-"


def fmt(total, r):
    maps = r.get("maps")
    return (f"wall {r['wall']:6.2f} s  lines/s {total / r['wall']:>9,.0f}  CPU {r['cpu']:6.2f} s (sys {r['system']:.2f})  "
            f"CPU s/M lines {r['cpu'] / total * 1e6:6.2f}  peak RSS {r['rss'] / MiB:6.1f} MiB  "
            f"idle {r['idle_before'] / MiB:5.1f} -> {r['idle_after'] / MiB:5.1f} MiB  bulks {r['requests']:,}  "
            f"sent {r['sent'] / MiB:.1f} MiB ({r['decompressed'] / MiB:.1f} MiB as NDJSON)"
            + (f"\n          RSS by mapping, MiB: idle {fmt_map(maps[0])} | largest sample while shipping "
               f"{fmt_map(maps[1])} | after {fmt_map(maps[2])}" if maps else ""))
