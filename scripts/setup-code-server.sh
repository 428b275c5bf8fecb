#!/usr/bin/env bash
# Installs code-server 4.100.3 (the last line that runs on Node 20) into a
# cache folder so the e2e tests can run the packaged extension in a real
# VS Code (in the browser). Idempotent: a finished install is detected by a
# stamp file and reused; CI calls this script before `node scripts/test.mjs --only e2e`.
#
# Usage: scripts/setup-code-server.sh [cache-dir]   (default: .cache/code-server)
# Prints the path of code-server's entry.js on its last line.
set -euo pipefail

VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${1:-${CODE_SERVER_CACHE:-$ROOT/.cache/code-server}}"
STAMP="$CACHE/.installed-$VERSION"
ENTRY="$CACHE/node_modules/code-server/out/node/entry.js"

if [[ -f "$STAMP" && -f "$ENTRY" ]]; then
  echo "code-server $VERSION already installed in $CACHE"
  echo "$ENTRY"
  exit 0
fi

# Native build dependencies (node-pty, kerberos, native-keymap, @vscode/spdlog, argon2),
# ripgrep (its npm package downloads a binary from the internet) and Chromium for Playwright.
need=()
for pkg in libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium build-essential python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "installing apt packages: ${need[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

mkdir -p "$CACHE"
cd "$CACHE"
[[ -f package.json ]] || echo '{ "name": "code-server-cache", "private": true }' > package.json
# Keep the project's .npmrc settings out of this folder (it is not a project package).
echo "code-server $VERSION: npm install (ignore scripts)"
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"

VSCODE="$CACHE/node_modules/code-server/lib/vscode"
cd "$VSCODE"
echo "code-server: installing VS Code's runtime dependencies"
npm install --no-audit --no-fund --ignore-scripts --omit=dev
# @vscode/ripgrep's own postinstall downloads from GitHub; use Debian's rg instead.
mkdir -p node_modules/@vscode/ripgrep/bin
cp -f "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's install script calls `npx node-gyp`; answer yes to npx's prompt.
echo "code-server: rebuilding native modules (slow on small machines)"
npm_config_yes=true npm rebuild
[[ -e node_modules.asar ]] || ln -s node_modules node_modules.asar
cd "$VSCODE/extensions"
npm install --no-audit --no-fund --ignore-scripts --omit=dev
cd "$CACHE"
npm rebuild argon2

touch "$STAMP"
echo "code-server $VERSION installed in $CACHE"
echo "$ENTRY"
