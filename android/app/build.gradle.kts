plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

val repoRoot = rootDir.parentFile

fun buildProperty(name: String): String? = providers.gradleProperty(name).orNull?.trim()?.ifEmpty { null }

/** The flavor's update server, or "" for a build made without one (the app then says so). */
fun server(flavor: String): String = buildProperty("fieldref.$flavor.server") ?: buildProperty("fieldref.server") ?: ""

fun trustRootJson(): String = buildProperty("fieldref.trustRoot")?.let { file(it).readText() } ?: ""

fun quoted(value: String): String = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""

android {
    namespace = "org.portalder.fieldref.app"
    compileSdk = 35
    defaultConfig {
        applicationId = "org.portalder.fieldref"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }
    // One app per audience (AUDIENCES.md): the partners' app ships a library that bundles only
    // the public pack and refuses officers content; the officers' app can enroll for officers
    // updates. Different application ids, so a department can distribute them separately.
    flavorDimensions += "audience"
    productFlavors {
        // The department's server and trust root are build configuration, never code: gradle
        // properties (`-P` or ~/.gradle/gradle.properties), per flavor or shared:
        //   fieldref.officers.server / fieldref.partner.server / fieldref.server  (https URL)
        //   fieldref.trustRoot  (path to the root.json `fieldref keygen` wrote)
        // Core-kt's ShellConfig.fromBuild reads them (BuildConfig.FLAVOR decides the viewer) and
        // refuses a value that cannot be right; a release build without a server fails below.
        create("officers") {
            dimension = "audience"
            applicationIdSuffix = ".officers"
            buildConfigField("String", "SYNC_SERVER", quoted(server("officers")))
            buildConfigField("String", "TRUST_ROOT_JSON", quoted(trustRootJson()))
        }
        create("partner") {
            dimension = "audience"
            applicationIdSuffix = ".partner"
            buildConfigField("String", "SYNC_SERVER", quoted(server("partner")))
            buildConfigField("String", "TRUST_ROOT_JSON", quoted(trustRootJson()))
        }
    }
    buildTypes {
        release {
            // R8: shrink and obfuscate, keeping what JNA and the generated bindings reach by
            // reflection and by name from native code (proguard-rules.pro).
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }
    buildFeatures {
        compose = true
        buildConfig = true
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    sourceSets["officers"].jniLibs.srcDir(layout.buildDirectory.dir("rustJniLibs/officers"))
    sourceSets["partner"].jniLibs.srcDir(layout.buildDirectory.dir("rustJniLibs/partner"))
}

// Builds libfieldref_ffi.so for every Android ABI with cargo-ndk (needs the NDK and
// `rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`), once
// per audience, each in its own cargo target dir: the partner library is built without the
// core's `officers` feature.
fun cargoNdk(flavor: String, cargoFlags: List<String>) =
    tasks.register<Exec>("cargoNdk${flavor.replaceFirstChar { it.uppercase() }}") {
        workingDir = repoRoot
        // 16 KB ELF alignment for devices with 16 KB pages (required on Play for SDK 35+).
        // Packed relocations: bionic reads them from API 23 (minSdk is 26), but the NDK's clang
        // passes the flag itself only for API 28 and up (23 and up in newer NDKs), and cargo-ndk
        // links for its own default API level. The table of ~28,000 relative relocations goes
        // from 0.65 MB to 0.08 MB. Identical code folding keeps functions with the same code
        // once (Rust does not promise distinct function addresses). Together 0.70 MB of the
        // arm64 library as lld links it (issue 16's 8 MB budget; BENCHMARKS.md, "Library size").
        val linkArgs = listOf("-z,max-page-size=16384", "--pack-dyn-relocs=android", "--icf=all")
        val rustflags = linkArgs.joinToString(" ") { "-C link-arg=-Wl,$it" }
        for (triple in listOf("AARCH64_LINUX_ANDROID", "ARMV7_LINUX_ANDROIDEABI", "X86_64_LINUX_ANDROID")) {
            environment("CARGO_TARGET_${triple}_RUSTFLAGS", rustflags)
        }
        // SQLite without the extensions the app never uses (bindings/mobile-sqlite-flags).
        val sqliteFlags = repoRoot.resolve("bindings/mobile-sqlite-flags").readLines()
            .map { it.trim() }.filter { it.isNotEmpty() && !it.startsWith("#") }
        environment("LIBSQLITE3_FLAGS", sqliteFlags.joinToString(" "))
        commandLine(
            listOf(
                "cargo", "ndk",
                "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
                "-o", layout.buildDirectory.dir("rustJniLibs/$flavor").get().asFile.absolutePath,
                "build", "--profile", "mobile", "-p", "fieldref-ffi",
                "--target-dir", "target/android-$flavor",
            ) + cargoFlags,
        )
    }
val cargoNdkOfficers = cargoNdk("officers", emptyList())
val cargoNdkPartner = cargoNdk("partner", listOf("--no-default-features"))
tasks.configureEach {
    if (name.startsWith("preOfficers") && name.endsWith("Build")) dependsOn(cargoNdkOfficers)
    if (name.startsWith("prePartner") && name.endsWith("Build")) dependsOn(cargoNdkPartner)
    // A release must know its department's server: no build ships a made-up address.
    for (flavor in listOf("officers", "partner")) {
        if (name == "pre${flavor.replaceFirstChar { it.uppercase() }}ReleaseBuild") {
            doFirst {
                if (server(flavor).isEmpty()) {
                    throw GradleException("fieldref.$flavor.server (or fieldref.server) is not set: pass -Pfieldref.server=https://...")
                }
            }
        }
    }
}

dependencies {
    implementation(project(":core-kt"))
    // JNA's Android build (with its own libjnidispatch.so for each ABI).
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    implementation(libs.coroutines.android)
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.material3)
    implementation(libs.compose.ui)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.compose.material.icons)
    implementation(libs.activity.compose)
    implementation(libs.navigation.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.work.runtime)
}
