#!/usr/bin/env bash
# Builds the fieldref-ffi library for this host and generates the Kotlin and Swift bindings from
# it (uniffi library mode: generate before stripping). Output: <target>/bindings/{kotlin,swift}.
# Usage: bindings/scripts/generate.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=debug
flags=()
if [ "${1:-}" = "--release" ]; then
  profile=release
  flags=(--release)
fi
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
cargo build --quiet "${flags[@]}" -p fieldref-ffi
cargo build --quiet -p fieldref-ffi --features bindgen --bin uniffi-bindgen
lib="$target/$profile/libfieldref_ffi.so"
[ -f "$lib" ] || lib="$target/$profile/libfieldref_ffi.dylib"
out="$target/bindings"
rm -rf "$out"
for language in kotlin swift; do
  "$target/debug/uniffi-bindgen" generate --library "$lib" --language "$language" --out-dir "$out/$language" >/dev/null
done
echo "$lib"
echo "$out"
