#!/usr/bin/env bash
# The Kotlin side on the JVM: generates the bindings from the host-built library, compiles them
# with android/core-kt and its tests using kotlinc (npm `kotlin-compiler`), starts the real
# server on loopback for the sync test, and runs JUnit 5 against the real library through JNA.
# Installs JNA and JUnit (Debian) and kotlinc (npm) when missing. Ends with `kotlin: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
KOTLIN_VERSION=2.4.20
# Any failure before JUnit reports still ends with the summary line run-all.sh adds up.
summarized=0
trap '[ "$summarized" = 1 ] || echo "kotlin: 0 passed, 1 failed"' EXIT

need_apt=()
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
[ -f /usr/share/java/junit-platform-console-standalone.jar ] || need_apt+=(junit5)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v java >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless >/dev/null; }

kotlin_home="${FIELDREF_CACHE:-${HOME:-/root}/.cache/fieldref}/kotlin-$KOTLIN_VERSION"
kotlinc="$kotlin_home/node_modules/kotlin-compiler/bin/kotlinc"
if [ ! -x "$kotlinc" ]; then
  echo "installing kotlin-compiler@$KOTLIN_VERSION from npm"
  mkdir -p "$kotlin_home"
  (cd "$kotlin_home" && npm install --silent --no-audit --no-fund "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
fi
klib="$kotlin_home/node_modules/kotlin-compiler/lib"

# The library, the bindings generated from it, and the binaries for the sync test.
generated=$(bash bindings/scripts/generate.sh)
lib=$(echo "$generated" | sed -n 1p)
bindings=$(echo "$generated" | sed -n 2p)
target=$(dirname "$bindings")
cargo build --quiet -p fieldref-cli -p fieldref-server

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
  [ "$summarized" = 1 ] || echo "kotlin: 0 passed, 1 failed"
}
trap cleanup EXIT

# A real server with the bundled content published as version 1.
"$target/debug/fieldref" keygen --out "$work/keys" >/dev/null
"$target/debug/fieldref-server" --data-dir "$work/server" init --root "$work/keys/root.json" --online-key "$work/keys/online.key" >/dev/null
token=$("$target/debug/fieldref-server" --data-dir "$work/server" token create --name kotlin-tests --role trainer --channel port-alder)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$target/debug/fieldref-server" --data-dir "$work/server" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' \
    "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
"$target/debug/fieldref" publish content --server "http://127.0.0.1:$port" --token "$token" --key "$work/keys/release.key" >/dev/null

# A one-time enrollment code for the officers device of the sync test.
enroll_code=$("$target/debug/fieldref-server" --data-dir "$work/server" device enroll --name kotlin-sync --channel port-alder --json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["code"])')

classpath="/usr/share/java/jna.jar:$klib/kotlinx-coroutines-core-jvm.jar:$klib/kotlin-test.jar:$klib/kotlin-test-junit5.jar:/usr/share/java/junit-jupiter-api.jar:/usr/share/java/apiguardian-api.jar:/usr/share/java/opentest4j.jar"
echo "compiling bindings + core-kt + tests with kotlinc $KOTLIN_VERSION"
"$kotlinc" -nowarn -jvm-target 17 -cp "$classpath" -d "$work/tests.jar" \
  "$bindings/kotlin" android/core-kt/src/main/kotlin android/core-kt/src/test/kotlin 2>&1 | grep -v '^warning' || true
[ -f "$work/tests.jar" ] || { echo "kotlinc failed"; exit 1; }

set +e
java -Djna.library.path="$(dirname "$lib")" \
  -Dfieldref.server="http://127.0.0.1:$port" -Dfieldref.trustRoot="$work/keys/root.json" \
  -Dfieldref.enrollCode="$enroll_code" \
  -jar /usr/share/java/junit-platform-console-standalone.jar \
  --class-path "$work/tests.jar:$classpath:$klib/kotlin-stdlib.jar:$klib/kotlin-reflect.jar" \
  --scan-class-path "$work/tests.jar" --disable-banner --disable-ansi-colors --details=tree \
  >"$work/junit.log" 2>&1
status=$?
set -e
cat "$work/junit.log"
passed=$(sed -n 's/.*\[ *\([0-9]*\) tests successful.*/\1/p' "$work/junit.log" | head -1)
failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed.*/\1/p' "$work/junit.log" | head -1)
summarized=1
echo "kotlin: ${passed:-0} passed, ${failed:-1} failed"
[ "$status" -eq 0 ] && [ "${failed:-1}" -eq 0 ] && [ "${passed:-0}" -gt 0 ]
