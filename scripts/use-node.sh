# Source this from the repository root to work on the Node.js line CI tests first (24), or pass 22:
#   source scripts/use-node.sh [24|22]
# It installs the registry binaries into .node/ when missing, puts them first on PATH, and points native builds at them.
_gf_dir="$(scripts/node-lts.sh "${1:-24}")" && export PATH="$_gf_dir/bin:$PATH" npm_config_nodedir="$_gf_dir" \
  && echo "node $(node --version) from $_gf_dir"
unset _gf_dir
