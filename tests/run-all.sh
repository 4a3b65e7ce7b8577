#!/usr/bin/env bash
# Runs the whole test suite the way CI does, on a fresh Linux machine with the .NET 10 SDK:
#   1. installs what the tests need and the machine lacks (Debian packages: promtool, node_exporter, systemd-analyze,
#      kubectl, openssl, curl, iproute2, systemd-journal-remote, xz-utils);
#   2. publishes the agent exactly as the README and the Dockerfile do (Native AOT);
#   3. runs the unit and end-to-end tests, the end-to-end ones against that published binary.
# Fails on any failure. Set NODEAGENT_TEST_ELASTICSEARCH_URL to also run the Elasticsearch tests against a real cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || [[ -x /usr/bin/prometheus-node-exporter ]] || need+=(prometheus-node-exporter)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# kubectl renders the kustomize overlays and is run against the fake API server; Debian's package is old but has both.
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
# The web configuration tests make certificates with openssl and check the TLS listener with curl.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The qdisc collector's rtnetlink reading is checked against iproute2's tc (in /usr/sbin).
command -v tc >/dev/null 2>&1 || [[ -x /usr/sbin/tc || -x /sbin/tc ]] || need+=(iproute2)
# The journal reader and input are checked on files systemd-journal-remote writes (in /lib/systemd, off PATH), read back
# with journalctl (systemd, above); xz compresses payloads the way systemd's xz codec does.
[[ -x /lib/systemd/systemd-journal-remote || -x /usr/lib/systemd/systemd-journal-remote ]] || need+=(systemd-journal-remote)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
if ((${#need[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "==> installing ${need[*]}"
  # The packages' post-install scripts would start the services; tests start their own instances on loopback.
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "==> publishing the agent (Native AOT) to artifacts/publish"
dotnet publish src/NodeAgent -c Release -o artifacts/publish -nologo -v quiet
ls -l artifacts/publish/node-agent

echo "==> running the tests"
export NODEAGENT_TEST_AGENT="$PWD/artifacts/publish/node-agent"
# The tools above are installed: a test that needs one runs and fails without it, where a plain `dotnet test` skips it.
export NODEAGENT_TEST_REQUIRE_TOOLS=1
dotnet test NodeAgent.sln -c Release -nologo --logger "console;verbosity=minimal"
