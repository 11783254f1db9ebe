#!/usr/bin/env bash
# The Android checks that need the Android SDK and NDK (not available on the Linux CI machine):
# the JVM tests through Gradle, both flavors built, every native library in the APKs 16 KB
# aligned, and the partners' library free of officers content. Run from anywhere:
#   FIELDREF_SERVER=https://updates.example.org bash android/verify.sh
# Needs: ANDROID_HOME (platform 35, build-tools 35+ for `zipalign -P`), the NDK (ANDROID_NDK_HOME),
# `cargo install cargo-ndk`, and Gradle (for the wrapper) or an existing ./gradlew.
set -euo pipefail
cd "$(dirname "$0")"
: "${ANDROID_HOME:?set ANDROID_HOME to the Android SDK}"
command -v cargo-ndk >/dev/null || { echo "missing: cargo install cargo-ndk" >&2; exit 2; }
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
[ -x gradlew ] || gradle wrapper
server=(); [ -n "${FIELDREF_SERVER:-}" ] && server=(-Pfieldref.server="$FIELDREF_SERVER")

echo "== JVM tests (core-kt against the host library)"
./gradlew :core-kt:test

echo "== both flavors, debug; release too when a server is given (minified with R8)"
./gradlew "${server[@]}" assembleOfficersDebug assemblePartnerDebug
[ -n "${FIELDREF_SERVER:-}" ] && ./gradlew "${server[@]}" assembleOfficersRelease assemblePartnerRelease

readelf=$(ls "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-readelf | head -1)
zipalign=$(ls "$ANDROID_HOME"/build-tools/*/zipalign | sort -V | tail -1)
failed=0
for apk in app/build/outputs/apk/*/*/*.apk; do
  echo "== $apk"
  # The APK stores .so files uncompressed on 16 KB boundaries...
  "$zipalign" -c -P 16 -v 4 "$apk" >/dev/null || { echo "  not 16 KB zip-aligned"; failed=1; }
  work=$(mktemp -d); unzip -q "$apk" 'lib/*' -d "$work"
  # ...and every LOAD segment of every library (ours and JNA's) is aligned to 16 KB or more.
  for so in "$work"/lib/*/*.so; do
    min=$("$readelf" -lW "$so" | awk '$1 == "LOAD" { print strtonum($NF) }' | sort -n | head -1)
    if [ "${min:-0}" -lt 16384 ]; then echo "  ${so#"$work"/}: LOAD alignment $min < 16384"; failed=1; fi
  done
  # The partners' library must not carry officers documents.
  case "$apk" in
    *partner*) if grep -aq 'audience = "officers"' "$work"/lib/*/libfieldref_ffi.so; then echo "  officers content in a partner APK"; failed=1; fi ;;
  esac
  rm -rf "$work"
done
[ "$failed" = 0 ] && echo "android verify: all checks passed" || { echo "android verify: FAILED"; exit 1; }
