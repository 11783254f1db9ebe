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
    // One app per audience (AUDIENCES.md): the partners' app ships a library that bundles only
    // the public pack and refuses officers content; the officers' app can enroll for officers
    // updates. Different application ids, so a department can distribute them separately.
    flavorDimensions += "audience"
    productFlavors {
        create("officers") {
            dimension = "audience"
            applicationIdSuffix = ".officers"
            buildConfigField("String", "VIEWER", "\"OFFICER\"")
            buildConfigField("boolean", "CAN_ENROLL", "true")
        }
        create("partner") {
            dimension = "audience"
            applicationIdSuffix = ".partner"
            buildConfigField("String", "VIEWER", "\"PUBLIC\"")
            buildConfigField("boolean", "CAN_ENROLL", "false")
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
