// swift-tools-version:5.9
// FieldRefKit: the generated Swift bindings over the Rust core, packaged with the XCFramework that
// `ios/build-xcframework.sh` builds (aarch64-apple-ios and aarch64-apple-ios-sim).
import PackageDescription

let package = Package(
    name: "FieldRefKit",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "FieldRefKit", targets: ["FieldRefKit"]),
    ],
    targets: [
        .binaryTarget(name: "FieldRefFFIC", path: "FieldRefFFIC.xcframework"),
        .target(name: "FieldRefKit", dependencies: ["FieldRefFFIC"], path: "Sources/FieldRefKit"),
    ]
)
