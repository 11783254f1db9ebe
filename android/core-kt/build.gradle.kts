// Pure Kotlin: the generated bindings, the repository and the screens' state logic. No Android
// imports, so it compiles and runs its tests on a plain JVM (as tests/suites/kotlin.sh does).
plugins {
    alias(libs.plugins.kotlin.jvm)
}

val repoRoot = rootDir.parentFile
// Where cargo puts its output (and generate.sh the bindings): CARGO_TARGET_DIR when set.
val cargoTarget = System.getenv("CARGO_TARGET_DIR")?.let { repoRoot.resolve(it) } ?: repoRoot.resolve("target")
val generatedBindings = cargoTarget.resolve("bindings/kotlin")

val generateBindings by tasks.registering(Exec::class) {
    description = "Builds fieldref-ffi for this host and generates the Kotlin bindings."
    workingDir = repoRoot
    commandLine("bash", "bindings/scripts/generate.sh")
}

kotlin {
    jvmToolchain(17)
    sourceSets["main"].kotlin.srcDir(generatedBindings)
}

tasks.named("compileKotlin") { dependsOn(generateBindings) }

dependencies {
    // The app supplies JNA as an Android AAR; the JVM tests use the jar.
    compileOnly(libs.jna)
    implementation(libs.coroutines.core)
    testImplementation(libs.jna)
    testImplementation(libs.kotlin.test.junit5)
    testImplementation(libs.junit.jupiter)
}

tasks.test {
    useJUnitPlatform()
    dependsOn(generateBindings)
    systemProperty("jna.library.path", cargoTarget.resolve("debug").absolutePath)
}
