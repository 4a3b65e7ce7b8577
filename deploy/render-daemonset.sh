#!/usr/bin/env bash
# Regenerates ./daemonset.yaml (the single-file install) from the kustomize base in deploy/kubernetes.
# Run after any change under deploy/kubernetes; DaemonSetManifestTests fails while the two differ.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tmp="$(mktemp daemonset.yaml.XXXXXX)"
trap 'rm -f "$tmp"' EXIT

{
  echo "# Generated from deploy/kubernetes by deploy/render-daemonset.sh (kubectl kustomize deploy/kubernetes)."
  echo "# Do not edit by hand: change deploy/kubernetes, then run deploy/render-daemonset.sh."
  echo "# Install: kubectl apply -f daemonset.yaml   (or: kubectl apply -k deploy/kubernetes)"
  echo "# Elasticsearch:Urls is not set here: without it the agent writes documents to stdout (Output:Type console)."
  kubectl kustomize deploy/kubernetes
} >"$tmp"

chmod 0644 "$tmp"
mv "$tmp" daemonset.yaml
trap - EXIT
echo "wrote $root/daemonset.yaml"
