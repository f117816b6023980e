#!/usr/bin/env bash
# Starts the central with the demo chain and the app pointed at it. Without a
# display, runs the app under Xvfb and saves a screenshot of its first screen.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir=$1
listen=$2
mkdir -p "$data_dir/central" "$data_dir/device"

./target/debug/vitrina-central serve --demo --db "$data_dir/central/central.db" --listen "$listen" \
  > "$data_dir/central/stdout.log" 2> "$data_dir/central/central.log" &
central=$!
app=""
xvfb=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$central" 2>/dev/null || true
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 300); do
  grep -q "listening on" "$data_dir/central/stdout.log" 2>/dev/null && break
  kill -0 "$central" 2>/dev/null || { cat "$data_dir/central/central.log" >&2; echo "error: the central did not start" >&2; exit 1; }
  sleep 0.2
done
echo
echo "Central: http://$listen  (data: $data_dir/central, log: $data_dir/central/central.log)"
sed -n '1,60p' "$data_dir/central/stdout.log" | grep -v "listening on"
echo "Device cache: $data_dir/device"
echo

export VITRINA_DATA_DIR="$data_dir/device"
export WEBKIT_DISABLE_DMABUF_RENDERER=1
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  display=":$(( (RANDOM % 400) + 100 ))"
  echo "No display found: running the app under Xvfb on $display."
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=$display
  export WEBKIT_DISABLE_COMPOSITING_MODE=1
  ./target/debug/vitrina &
  app=$!
  shot="$data_dir/first-screen.png"
  # Wait for the window to paint something other than a blank page.
  for _ in $(seq 1 60); do
    sleep 1
    if import -window root "$shot" 2>/dev/null; then
      colors=$(convert "$shot" -format %k info: 2>/dev/null || echo 0)
      [ "$colors" -gt 50 ] && break
    fi
  done
  echo "Screenshot of the first screen: $shot"
  echo "The app keeps running under Xvfb; press Ctrl+C to stop."
  wait "$app"
else
  ./target/debug/vitrina
fi
