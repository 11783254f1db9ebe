package org.portalder.fieldref.core

import java.net.URI
import org.portalder.fieldref.ffi.Viewer

/** The two apps a department ships from one source (AUDIENCES.md). */
enum class Flavor {
    /** Officers: all content once enrolled; "Enroll this device" with an admin's one-time code. */
    OFFICERS,

    /** Community partners: public content only, no enrollment. */
    PARTNER,
}

/**
 * A build's configuration, from the build system (Android: BuildConfig fields set per flavor
 * from gradle properties; iOS: the xcconfig through Info.plist). The viewer follows from the
 * flavor and nothing else: a partner configuration has no way to ask for officers content.
 */
class ShellConfig private constructor(
    val flavor: Flavor,
    /** The department's update server, or null when this build was made without one. */
    val server: String?,
    /** The department's signed trust root (from `fieldref keygen`), or null to use the one bundled in the library. */
    val trustRootJson: String?,
) {
    val viewer: Viewer
        get() = when (flavor) {
            Flavor.OFFICERS -> Viewer.OFFICER
            Flavor.PARTNER -> Viewer.PUBLIC
        }

    val canEnroll: Boolean get() = flavor == Flavor.OFFICERS

    companion object {
        /**
         * Reads the build's values: [flavor] is the flavor's name ("officers" or "partner"),
         * [server] and [trustRootJson] may be blank in a build made without them (updates are then
         * reported as not configured, never sent to a made-up address). Throws
         * [IllegalArgumentException] naming the field for a value that cannot be right.
         */
        fun fromBuild(flavor: String, server: String, trustRootJson: String): ShellConfig {
            val parsed = when (flavor.trim().lowercase()) {
                "officers" -> Flavor.OFFICERS
                "partner" -> Flavor.PARTNER
                else -> throw IllegalArgumentException("flavor: expected officers or partner, got `$flavor`")
            }
            return ShellConfig(parsed, server.trim().ifEmpty { null }?.let(::checkServer), trustRootJson.trim().ifEmpty { null })
        }

        /** https, or http only to this machine (a developer's server): the core enforces the same. */
        private fun checkServer(url: String): String {
            val uri = try {
                URI(url)
            } catch (e: Exception) {
                throw IllegalArgumentException("server: `$url` is not a URL")
            }
            val loopback = uri.host in setOf("127.0.0.1", "localhost", "::1", "[::1]")
            require(uri.scheme == "https" || (uri.scheme == "http" && loopback)) {
                "server: `$url` must be https (http only to this machine)"
            }
            require(!uri.host.isNullOrEmpty()) { "server: `$url` has no host" }
            return url.trimEnd('/')
        }
    }
}
