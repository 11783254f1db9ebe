#!/usr/bin/env bash
# The iOS checks that need a Mac with Xcode 15+ (no Swift toolchain on the Linux CI machine):
# both audiences' XCFrameworks, FieldRefKit compiled for the simulator, the app's plist and
# String Catalog well formed. Run from anywhere: bash ios/verify.sh
# The app target itself (SwiftUI sources in ios/FieldRefApp, Info.plist, Config/*.xcconfig,
# Localizable.xcstrings) is set up once in Xcode, see ios/README.md; then also run
#   xcodebuild -scheme FieldRef-Officers -destination 'platform=iOS Simulator,name=iPhone 15' build
# and by hand: first launch, Near me (allow, then deny), a damaged store (below), VoiceOver on a
# checklist, the app in Spanish, and Debug > Simulate Background Fetch.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v xcodebuild >/dev/null || { echo "needs Xcode (xcodebuild)" >&2; exit 2; }
rustup target add aarch64-apple-ios aarch64-apple-ios-sim

for audience in partner officers; do
  echo "== $audience library and FieldRefKit"
  AUDIENCE=$audience ios/build-xcframework.sh
  (cd ios/FieldRefKit && xcodebuild -scheme FieldRefKit -destination 'generic/platform=iOS Simulator' -quiet build)
done

echo "== Info.plist and String Catalog"
plutil -lint ios/FieldRefApp/Info.plist
/usr/libexec/PlistBuddy -c 'Print :BGTaskSchedulerPermittedIdentifiers:0' ios/FieldRefApp/Info.plist | grep -qx org.portalder.fieldref.sync
/usr/libexec/PlistBuddy -c 'Print :UIBackgroundModes:0' ios/FieldRefApp/Info.plist | grep -qx fetch
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all("es" in v["localizations"] for v in d["strings"].values())' ios/FieldRefApp/Localizable.xcstrings

echo "ios verify: all checks passed"
echo "A damaged store by hand: in the simulator's app container, overwrite"
echo "  Library/Application Support/fieldref/fieldref.sqlite3 with random bytes, relaunch: the notice shows once."
