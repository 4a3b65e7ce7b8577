#!/usr/bin/env python3
"""node_exporter's own end-to-end test against NodeAgent, for humans: how many of the expected series NodeAgent
serves equal, and what differs, per collector.

Runs the suite's NodeExporterEndToEndTests (tests/NodeAgent.EndToEnd: it copies tests/fixtures/node-exporter-e2e, unpacks
its fixtures with its ttar, starts the agent from there with end-to-end-test.sh's collectors and flags, and compares
one scrape with collector/fixtures/e2e-output.txt), so this script and the test always make the same comparison.
The agent is the build output (`dotnet build NodeAgent.sln -c Release`), or --agent (e.g. artifacts/publish/node-agent).

Usage: python3 bench/ne_e2e.py [--build] [--agent PATH] [--details COLLECTOR ...] [--all]
  prints the percentage and the per-collector table; --details lists the differences of those collectors, --all of
  every collector.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="build the solution (Release) first")
    parser.add_argument("--agent", help="the agent binary to test (default: the Release build output)")
    parser.add_argument("--details", nargs="*", default=[], metavar="COLLECTOR", help="list these collectors' differences")
    parser.add_argument("--all", action="store_true", help="list every collector's differences")
    args = parser.parse_args()

    if args.build:
        subprocess.run(["dotnet", "build", "NodeAgent.sln", "-c", "Release", "-nologo", "-v", "q"], cwd=ROOT, check=True)

    with tempfile.TemporaryDirectory(prefix="ne-e2e-") as tmp:
        report_file = os.path.join(tmp, "report.txt")
        env = dict(os.environ, NODEAGENT_NE_E2E_REPORT=report_file)
        if args.agent:
            env["NODEAGENT_TEST_AGENT"] = os.path.abspath(args.agent)
        test = subprocess.run(
            ["dotnet", "test", "tests/NodeAgent.EndToEnd", "-c", "Release", "--no-build", "-nologo",
             "--filter", "FullyQualifiedName~NodeExporterEndToEndTests"],
            cwd=ROOT, env=env, capture_output=True, text=True)
        if not os.path.exists(report_file):
            sys.stdout.write(test.stdout + test.stderr)
            raise SystemExit("the test wrote no report (is the solution built? try --build)")
        with open(report_file, encoding="utf-8") as f:
            report = f.read()

    summary, _, rest = report.partition("\n== ")
    print(summary.rstrip())
    sections = re.split(r"^== ", "== " + rest, flags=re.M) if rest else []
    wanted = set(args.details)
    for section in sections:
        name = section.split("\n", 1)[0].strip()
        if section and (args.all or name in wanted):
            print("\n== " + section.rstrip())
    print("\ntest: " + ("passed (ratchet held)" if test.returncode == 0 else "FAILED (see dotnet test output)"))
    return test.returncode


if __name__ == "__main__":
    sys.exit(main())
