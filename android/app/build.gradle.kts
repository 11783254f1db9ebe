plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

val repoRoot = rootDir.parentFile

android {
    namespace = "org.portalder.fieldref.app"
    compileSdk = 35
    defaultConfig {
        applicationId = "org.portalder.fieldref"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The sync server; a department sets its own in its build.
        buildConfigField("String", "SYNC_SERVER", "\"https://updates.port-alder.example\"")
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
    sourceSets["main"].jniLibs.srcDir(layout.buildDirectory.dir("rustJniLibs"))
}

// Builds libfieldref_ffi.so for every Android ABI with cargo-ndk (needs the NDK and
// `rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`).
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = repoRoot
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "-o", layout.buildDirectory.dir("rustJniLibs").get().asFile.absolutePath,
        "build", "--profile", "mobile", "-p", "fieldref-ffi",
    )
}
tasks.named("preBuild") { dependsOn(cargoNdk) }

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
