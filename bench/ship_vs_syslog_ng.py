#!/usr/bin/env python3
"""Memory and CPU of shipping: NodeAgent vs syslog-ng 3.38 (wildcard-file + http()), both into the Elasticsearch
emulator, with the issue-12 targets checked.

Writes pre-made CRI lines (default 300,000 of ~150 bytes, spread over --files files in kubelet's /var/log/pods
layout); for each side and run, starts a fresh emulator in count-only mode and the shipper on an empty pods
directory with its own empty state, reads its idle RSS, moves the lines in, and waits until the emulator holds
every line (see shipbench.measure). Prints, per side: lines/s, CPU seconds (from the moment the lines appeared),
CPU seconds per million lines, peak RSS (VmHWM), RSS idle before the lines and 5 s after the last was stored;
then the ratio of CPU per line and PASS/FAIL for each target: peak RSS <= 48 MiB with 1 file, <= 64 MiB with more,
idle <= 30 MiB, CPU per line <= 0.3x syslog-ng's (peaks and idles: the worst run; CPU: the median).

- NodeAgent: artifacts/publish/node-agent (`dotnet publish src/NodeAgent -c Release -o artifacts/publish`), its
  defaults (gzip, Elasticsearch:MaxBatchBytes, Logs:MaxBufferedBytes, metrics on); --agent-arg and --agent-env add
  options and environment (e.g. --agent-env DOTNET_GCgen0size=0x100000).
- syslog-ng: Debian 12's 3.38 (syslog-ng-core, syslog-ng-mod-http and the libraries the image lacks), fetched with
  `apt-get download` and unpacked with `dpkg -x` into artifacts/syslog-ng (Debian's syslog-ng and rsyslog packages
  conflict, so nothing is installed), run in the foreground with --module-path and LD_LIBRARY_PATH. wildcard-file
  (recursive, no-parse) on the pods directory; by default (--syslog-ng-fields cri) a csv-parser splits the CRI
  line, and the document holds @timestamp (the CRI time), stream, message (without the CRI prefix) and
  log.file.path; `raw`: @timestamp is the time read, message the whole line. Bulk `create` into the data stream,
  _id from the file name and syslog-ng's unique message id (--syslog-ng-id none: Elasticsearch's own ids), flow
  control from the files to http() (nothing dropped), batch-lines 1000, one worker. http() in 3.38 cannot compress
  (content-compression() came with 4.x), so syslog-ng sends plain NDJSON while the agent keeps gzip, its default;
  --agent-arg=--Elasticsearch:Compression=none compares like with like.

Usage: python3 bench/ship_vs_syslog_ng.py [--lines 300000] [--files 1|1000] [--runs 2] [--only agent|syslog-ng]
           [--agent PATH] [--agent-arg=--Elasticsearch:MaxBatchBytes=1MiB ...] [--agent-env NAME=VALUE ...]
           [--syslog-ng-fields cri|raw] [--syslog-ng-id uniqid|none] [--timeout 300] [--settle 5] [--memory-map]
           [--keep-logs DIR]
"""
import argparse
import glob
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

from shipbench import (run, DATA_STREAM, DEFAULT_AGENT, MiB, PAYLOAD, ROOT, BenchError, Emulator, Lines, agent_command,
                       build_emulator, fmt, http_ok, measure, run_cmd, tail)

SYSLOG_NG_DIR = os.path.join(ROOT, "artifacts", "syslog-ng")
SYSLOG_NG_PACKAGES = ["syslog-ng-core", "syslog-ng-mod-http"]
# syslog-ng-core's libraries that a Debian 12 image without syslog-ng may lack; unpacked beside it.
SYSLOG_NG_LIBRARIES = ["libivykis0", "libnet1", "libwrap0"]
BATCH_LINES = 1000


class SyslogNg:
    """Debian's syslog-ng unpacked into a private directory."""

    def __init__(self, root):
        self.root = root
        self.binary = os.path.join(root, "usr", "sbin", "syslog-ng")
        self.env = dict(os.environ, LD_LIBRARY_PATH=":".join(
            [os.path.join(root, "usr", "lib", "x86_64-linux-gnu"), os.path.join(root, "usr", "lib", "syslog-ng")]
            + ([os.environ["LD_LIBRARY_PATH"]] if os.environ.get("LD_LIBRARY_PATH") else [])))

    @property
    def module_path(self):
        modules = sorted(glob.glob(os.path.join(self.root, "usr", "lib", "syslog-ng", "3.*")))
        return modules[-1] if modules else ""

    def present(self):
        return os.access(self.binary, os.X_OK) and os.path.exists(os.path.join(self.module_path, "libhttp.so"))

    def version(self):
        return run_cmd([self.binary, "--version"], "syslog-ng --version", env=self.env).splitlines()[0]


def ensure_syslog_ng():
    sng = SyslogNg(os.path.join(SYSLOG_NG_DIR, "root"))
    if sng.present():
        return sng
    debs = os.path.join(SYSLOG_NG_DIR, "debs")
    os.makedirs(debs, exist_ok=True)
    print(f"fetching {' '.join(SYSLOG_NG_PACKAGES + SYSLOG_NG_LIBRARIES)} with apt-get download into {debs} ...",
          flush=True)
    # As root, apt drops to the _apt user, who cannot write here; the sandbox setting keeps it root for this call.
    download = ["apt-get", "download", "-o", "APT::Sandbox::User=root"] + SYSLOG_NG_PACKAGES + SYSLOG_NG_LIBRARIES
    result = subprocess.run(download, cwd=debs, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        if os.geteuid() != 0:
            raise BenchError(f"apt-get download failed; run `apt-get update` first:\n{result.stdout[-2000:]}")
        run_cmd(["apt-get", "update", "-q"], "apt-get update")
        run_cmd(download, "apt-get download (after apt-get update)", cwd=debs)
    for deb in sorted(glob.glob(os.path.join(debs, "*.deb"))):
        run_cmd(["dpkg", "-x", deb, sng.root], f"dpkg -x {os.path.basename(deb)}")
    if not sng.present():
        raise BenchError(f"{sng.binary} or the http module is missing after unpacking the packages")
    missing = [line.strip() for line in run_cmd(["ldd", sng.binary, os.path.join(sng.module_path, "libhttp.so")],
                                                "ldd syslog-ng", env=sng.env).splitlines() if "not found" in line]
    if missing:
        raise BenchError("syslog-ng needs libraries this machine lacks (apt-get install them or add their packages "
                         f"to SYSLOG_NG_LIBRARIES): {missing}")
    return sng


def directory_monitor(files):
    """syslog-ng 3.38 takes one inotify instance per directory it watches (two a pod here: the pod's and its
    container's); past fs.inotify.max_user_instances (128 by default) it loses directories, so with many pods it
    polls the directories instead, every follow-freq."""
    try:
        with open("/proc/sys/fs/inotify/max_user_instances") as f:
            limit = int(f.read())
    except (OSError, ValueError):
        limit = 128
    return "inotify" if 2 * files + 1 <= limit // 2 else "poll"


def syslog_ng_config(lines, url, fields, id_kind):
    """wildcard-file on the pods directory into http(); flow control from the files to the destination. The source
    window (log-iw-size) is split over max-files, each file's share clamped to at least 100 messages: 10,000 with one
    file, 100 a file with many; the destination's queue holds the whole window, so nothing is dropped."""
    window = max(10_000, 100 * lines.files)
    monitor = directory_monitor(lines.files)
    if fields == "cri":
        parser = ('parser p_cri { csv-parser(columns("cri.time", "cri.stream", "cri.tag", "cri.message") '
                  'delimiters(" ") quote-pairs("") flags(greedy)); };')
        document = ("$(format-json --scope none @timestamp=${cri.time} stream=${cri.stream} "
                    "message=${cri.message} log.file.path=${FILE_NAME})")
        parser_ref = "parser(p_cri); "
    else:
        parser, parser_ref = "", ""
        document = "$(format-json --scope none @timestamp=${R_ISODATE} message=${MSG} log.file.path=${FILE_NAME})"
    action = f'"_index":"{DATA_STREAM}"' + (',"_id":"${FILE_NAME}:${UNIQID}"' if id_kind == "uniqid" else "")
    return f"""@version: 3.38
# generated by bench/ship_vs_syslog_ng.py
options {{ stats-freq(0); use-uniqid(yes); keep-hostname(yes); chain-hostnames(no); }};
source s_pods {{
  wildcard-file(base-dir("{lines.pods}") filename-pattern("*.log") recursive(yes) flags(no-parse)
                max-files({lines.files}) log-iw-size({window}) follow-freq(1) monitor-method("{monitor}"));
}};
{parser}
destination d_es {{
  http(url("{url}/_bulk") method("POST") headers("Content-Type: application/x-ndjson")
       body('{{"create":{{{action}}}}}
{document}')
       delimiter("\\n") body-suffix("\\n") batch-lines({BATCH_LINES}) batch-timeout(1000) workers(1)
       log-fifo-size({window + BATCH_LINES}));
}};
log {{ source(s_pods); {parser_ref}destination(d_es); flags(flow-control); }};
"""


def run_syslog_ng(sng, work, emulator, lines, args, run):
    rundir = os.path.join(work, f"syslog-ng-{run}")
    os.makedirs(rundir)
    conf = os.path.join(rundir, "syslog-ng.conf")
    with open(conf, "w") as f:
        f.write(syslog_ng_config(lines, emulator.url, args.syslog_ng_fields, args.syslog_ng_id))
    check = subprocess.run([sng.binary, f"--module-path={sng.module_path}", "--syntax-only", "-f", conf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=sng.env)
    if check.returncode != 0:
        raise BenchError(f"syslog-ng rejected the configuration {conf}:\n{check.stdout}")
    log = os.path.join(work, f"syslog-ng-{run}.log")
    cmd = [sng.binary, f"--module-path={sng.module_path}", "-F", "-e", "--no-caps", "-f", conf,
           "-R", os.path.join(rundir, "persist"), "-c", os.path.join(rundir, "ctl"), "-p", os.path.join(rundir, "pid")]
    result = measure("syslog-ng", cmd, emulator, lines, args.timeout, log, cwd=rundir, env=sng.env,
                     ready=lambda: "starting up" in tail(log, 20), settle=args.settle, maps=args.memory_map)
    shutil.rmtree(rundir, ignore_errors=True)
    return result


def run_agent(work, emulator, lines, args, run):
    cmd, readyz, state = agent_command(args.agent, work, lines, emulator, run, args.agent_arg)
    env = dict(os.environ)
    for pair in args.agent_env:
        name, _, value = pair.partition("=")
        env[name] = value
    try:
        return measure("node-agent", cmd, emulator, lines, args.timeout, os.path.join(work, f"agent-{run}.log"),
                       env=env, ready=lambda: http_ok(readyz), settle=args.settle, maps=args.memory_map)
    finally:
        shutil.rmtree(state, ignore_errors=True)


NAMES = {"agent": "NodeAgent", "syslog-ng": "syslog-ng"}


def report(results, total, files, args):
    print()
    print(f"{'median of ' + str(args.runs):14} {'lines/s':>10} {'CPU s':>7} {'CPU s/M lines':>14} "
          f"{'peak RSS':>10} {'(max)':>7} {'idle before':>12} {'idle after':>11}")
    cpu_per_m = {}
    for side, rs in results.items():
        cpu_per_m[side] = statistics.median(r["cpu"] / total * 1e6 for r in rs)
        print(f"{NAMES[side]:14} {statistics.median(total / r['wall'] for r in rs):>10,.0f} "
              f"{statistics.median(r['cpu'] for r in rs):>7.2f} {cpu_per_m[side]:>14.2f} "
              f"{statistics.median(r['rss'] for r in rs) / MiB:>6.1f} MiB {max(r['rss'] for r in rs) / MiB:>7.1f} "
              f"{statistics.median(r['idle_before'] for r in rs) / MiB:>8.1f} MiB "
              f"{statistics.median(r['idle_after'] for r in rs) / MiB:>7.1f} MiB")
    if "agent" not in results:
        return
    rs = results["agent"]
    peak_target = args.peak_target if args.peak_target is not None else (48 if files == 1 else 64)
    checks = [(f"peak RSS {max(r['rss'] for r in rs) / MiB:.1f} MiB (worst run) <= {peak_target} MiB "
               f"({total:,} lines in {files} file(s))", max(r["rss"] for r in rs) <= peak_target * MiB),
              (f"idle RSS before the lines {max(r['idle_before'] for r in rs) / MiB:.1f} MiB <= {args.idle_target} MiB",
               max(r["idle_before"] for r in rs) <= args.idle_target * MiB),
              (f"idle RSS after shipping {max(r['idle_after'] for r in rs) / MiB:.1f} MiB <= {args.idle_target} MiB",
               max(r["idle_after"] for r in rs) <= args.idle_target * MiB)]
    if "syslog-ng" in results:
        ratio = cpu_per_m["agent"] / cpu_per_m["syslog-ng"]
        print(f"CPU per line, NodeAgent / syslog-ng: {ratio:.3f} (medians; best runs "
              f"{min(r['cpu'] for r in rs) / min(r['cpu'] for r in results['syslog-ng']):.3f})")
        checks.append((f"CPU per line {ratio:.3f}x syslog-ng's <= {args.cpu_ratio_target}x",
                       ratio <= args.cpu_ratio_target))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--files", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2, help="runs of each side, alternated (default 2)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds one run may take to ship every line")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after the last line before the idle RSS")
    parser.add_argument("--only", choices=sorted(NAMES))
    parser.add_argument("--agent", default=DEFAULT_AGENT)
    parser.add_argument("--agent-arg", action="append", default=[],
                        help="extra agent option, e.g. --agent-arg=--Elasticsearch:MaxBatchBytes=1MiB")
    parser.add_argument("--agent-env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment for the agent, e.g. --agent-env DOTNET_GCgen0size=0x100000")
    parser.add_argument("--syslog-ng-fields", choices=["cri", "raw"], default="cri")
    parser.add_argument("--syslog-ng-id", choices=["uniqid", "none"], default="uniqid")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the shippers' and emulators' logs into DIR")
    parser.add_argument("--memory-map", action="store_true",
                        help="also print the RSS by kind of mapping (GC heap, malloc, stacks, image), sampled")
    parser.add_argument("--peak-target", type=float, help="MiB (default 48 with 1 file, 64 with more)")
    parser.add_argument("--idle-target", type=float, default=30)
    parser.add_argument("--cpu-ratio-target", type=float, default=0.3)
    args = parser.parse_args()
    # SIGTERM ends the script through the finally blocks, which stop every child and remove the files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    sides = ["agent", "syslog-ng"] if args.only is None else [args.only]
    if "agent" in sides and not os.access(args.agent, os.X_OK):
        raise BenchError(f"{args.agent} is missing: dotnet publish src/NodeAgent -c Release -o artifacts/publish")
    sng = ensure_syslog_ng() if "syslog-ng" in sides else None
    emulator_cmd = build_emulator()

    work = tempfile.mkdtemp(prefix="nodeagent-sng-bench-")
    results = {side: [] for side in sides}
    try:
        lines = Lines(work, args.lines, args.files)
        print(f"lines: {lines.total:,} in {args.files} file(s) of ~{len(PAYLOAD) + 50} bytes a line; "
              f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the start"
              + (f"; {sng.version()}" if sng else ""), flush=True)
        if args.agent_arg or args.agent_env:
            print(f"agent options: {' '.join(args.agent_arg + args.agent_env)}", flush=True)
        for run in range(1, args.runs + 1):
            for side in sides:
                with Emulator(emulator_cmd, work, f"{side}-{run}") as emulator:
                    if side == "agent":
                        r = run_agent(work, emulator, lines, args, run)
                    else:
                        r = run_syslog_ng(sng, work, emulator, lines, args, run)
                results[side].append(r)
                print(f"{NAMES[side]:9} run {run}: {fmt(lines.total, r)}", flush=True)
                print(f"          emulator: {emulator.summary()}", flush=True)
        report(results, lines.total, args.files, args)
    finally:
        if args.keep_logs:
            os.makedirs(args.keep_logs, exist_ok=True)
            for log in glob.glob(os.path.join(work, "*.log")):
                shutil.copy(log, args.keep_logs)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run(main)
