#!/usr/bin/env bash
# Builds the static library for iOS devices and the simulator, generates the Swift bindings from
# the host library (library mode), and assembles FieldRefKit/FieldRefFFIC.xcframework plus
# Sources/FieldRefKit/FieldRefFFI.swift. Needs a Mac with Xcode and
# `rustup target add aarch64-apple-ios aarch64-apple-ios-sim`.
#
# AUDIENCE=partner builds the community partners' library (the core without its `officers`
# feature: only the public pack bundled, officers content refused); the default is officers.
# Run it from each scheme's pre-build action with that scheme's AUDIENCE (AUDIENCES.md).
set -euo pipefail
cd "$(dirname "$0")/.."
audience="${AUDIENCE:-officers}"
case "$audience" in
  officers) features=() ;;
  partner) features=(--no-default-features) ;;
  *) echo "AUDIENCE must be officers or partner, not $audience" >&2; exit 2 ;;
esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/ios-$audience}"
generated=$(bash bindings/scripts/generate.sh --release)
bindings=$(echo "$generated" | sed -n 2p)
target_dir=$(dirname "$bindings") # cargo's target directory (CARGO_TARGET_DIR when set)
# SQLite without the extensions the app never uses (bindings/mobile-sqlite-flags).
export LIBSQLITE3_FLAGS="$(grep -v '^#' bindings/mobile-sqlite-flags)"
for target in aarch64-apple-ios aarch64-apple-ios-sim; do
  cargo build --profile mobile -p fieldref-ffi --target "$target" ${features[@]+"${features[@]}"}
done
kit=ios/FieldRefKit
headers=$(mktemp -d)
cp "$bindings/swift/FieldRefFFIC.h" "$headers/"
cp "$bindings/swift/FieldRefFFIC.modulemap" "$headers/module.modulemap"
rm -rf "$kit/FieldRefFFIC.xcframework"
xcodebuild -create-xcframework \
  -library "$target_dir/aarch64-apple-ios/mobile/libfieldref_ffi.a" -headers "$headers" \
  -library "$target_dir/aarch64-apple-ios-sim/mobile/libfieldref_ffi.a" -headers "$headers" \
  -output "$kit/FieldRefFFIC.xcframework"
cp "$bindings/swift/FieldRefFFI.swift" "$kit/Sources/FieldRefKit/FieldRefFFI.swift"
echo "built $kit"
