#!/usr/bin/env bash
# Installs what building, running and testing Vitrina needs, only what is missing.
# Idempotent. Debian/Ubuntu packages need root (or sudo); otherwise it says what to run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=(build-essential pkg-config file curl libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev
           xvfb xauth webkit2gtk-driver imagemagick chromium chromium-driver dbus gnome-keyring)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "error: missing packages and no root: run  apt-get install ${missing[*]}" >&2; exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: Rust is missing: install it with rustup (https://rustup.rs), then run make again" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

npm_ci() {
  # Reinstall only when the lockfile changed since the last install.
  local dir=$1 stamp="$1/node_modules/.vitrina-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_ci ui
npm_ci tests/e2e
