// Pure Kotlin: the generated bindings, the repository and the screens' state logic. No Android
// imports, so it compiles and runs its tests on a plain JVM (as tests/suites/kotlin.sh does).
plugins {
    alias(libs.plugins.kotlin.jvm)
}

val repoRoot = rootDir.parentFile
val generatedBindings = repoRoot.resolve("target/bindings/kotlin")

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
    systemProperty("jna.library.path", repoRoot.resolve("target/debug").absolutePath)
}
