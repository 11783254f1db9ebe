#!/usr/bin/env bash
# The trainer console in a real browser: Debian's chromium (installed when missing) driven by
# npm's playwright-core (installed into tests/console/node_modules, gitignored), against the
# console (`fieldref console`) over a copy of the bundled content and a real fieldref-server on
# loopback with fresh keys and a trainer token; a device syncs with `fieldref sync`. Also runs
# the console's Rust tests (the no-edit round trip of every bundled document among them).
# Writes target/console-e2e/console.png. Ends with `console: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
passed=0
failed=0
summarized=0
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$work"
  [ "$summarized" = 1 ] || echo "console: $passed passed, $((failed + 1)) failed"
}
trap cleanup EXIT
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAILED: $1"; failed=$((failed + 1)); }

if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d tests/console/node_modules/playwright-core ]; then
  echo "installing playwright-core"
  (cd tests/console && npm ci --no-audit --no-fund --silent) || { fail "npm install playwright-core"; exit 1; }
fi

echo "== console Rust tests"
log=$(mktemp)
if cargo test --quiet -p fieldref-cli --bin fieldref console >"$log" 2>&1; then
  pass "console unit tests ($(grep -o '[0-9]* passed' "$log" | head -1))"
else
  grep -v '^test result:' "$log"
  fail "console unit tests"
fi
rm -f "$log"

echo "== binaries"
cargo build --quiet -p fieldref-cli -p fieldref-server || { fail "build fieldref and fieldref-server"; exit 1; }
bin=$root/target/debug

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

echo "== server, keys, token, first release"
"$bin/fieldref" keygen --out "$work/keys" >/dev/null
"$bin/fieldref-server" --data-dir "$work/server" init --root "$work/keys/root.json" --online-key "$work/keys/online.key" >/dev/null
token=$("$bin/fieldref-server" --data-dir "$work/server" token create --name trainer-e2e --role trainer --channel port-alder --channel port-alder-officers | tail -1)
server_port=$(free_port)
server="http://127.0.0.1:$server_port"
RUST_LOG=warn "$bin/fieldref-server" --data-dir "$work/server" --listen "127.0.0.1:$server_port" >"$work/server.log" 2>&1 &
pids+=($!)
wait_for "$server/healthz" || { cat "$work/server.log"; fail "server starts"; exit 1; }
cp -r content "$work/original"
cp -r content "$work/content"
"$bin/fieldref" publish "$work/content" --server "$server" --token "$token" --key "$work/keys/release.key" >/dev/null \
  || { fail "first release published"; exit 1; }
code=$("$bin/fieldref-server" --data-dir "$work/server" device enroll --name e2e-device --channel port-alder-officers --json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["code"])')
device=(--data-dir "$work/device" --trust-root "$work/keys/root.json")
"$bin/fieldref" "${device[@]}" enroll --server "$server" "$code" >/dev/null || { fail "device enrolled"; exit 1; }
"$bin/fieldref" "${device[@]}" sync --server "$server" >/dev/null || { fail "device synced version 1"; exit 1; }

echo "== console"
console_port=$(free_port)
"$bin/fieldref" console "$work/content" --port "$console_port" --no-open --server "$server" --token "$token" \
  --key "$work/keys/release.key" --at 2026-11-25T15:00:00Z >"$work/console.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$console_port/assets/console.css" || { cat "$work/console.log"; fail "console starts"; exit 1; }
if curl -fs -o /dev/null -X POST "http://127.0.0.1:$console_port/api/delete" -H 'Content-Type: application/json' \
  -d '{"path":"checklists/checklist-autism.md"}'; then
  fail "a POST without the console's session is refused"
else
  pass "a POST without the console's session is refused"
fi

echo "== browser"
out=$root/target/console-e2e
rm -rf "$out" && mkdir -p "$out"
log=$(mktemp)
CONSOLE_URL="http://127.0.0.1:$console_port" CONTENT_DIR="$work/content" ORIGINAL_CONTENT_DIR="$work/original" \
  OUT_DIR="$out" FIELDREF_BIN="$bin/fieldref" SERVER_URL="$server" DEVICE_DIR="$work/device" \
  TRUST_ROOT="$work/keys/root.json" RELEASE_KEY="$work/keys/release.key" BROWSER_PROFILE="$work/profile" \
  timeout 240 node tests/console/e2e.mjs >"$log" 2>&1
grep -v '^console-e2e:' "$log"
e2e_passed=$(sed -n 's/^console-e2e: \([0-9]*\) passed, \([0-9]*\) failed/\1/p' "$log")
e2e_failed=$(sed -n 's/^console-e2e: \([0-9]*\) passed, \([0-9]*\) failed/\2/p' "$log")
rm -f "$log"
passed=$((passed + ${e2e_passed:-0}))
failed=$((failed + ${e2e_failed:-1}))
[ -f "$out/console.png" ] && echo "screenshot: $out/console.png"

summarized=1
echo "console: $passed passed, $failed failed"
[ "$failed" = 0 ]
