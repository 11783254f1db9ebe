package org.portalder.fieldref.core

import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.DocKind
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.HttpTransport
import org.portalder.fieldref.ffi.TransportRequest
import org.portalder.fieldref.ffi.TransportResponse
import org.portalder.fieldref.ffi.UpdateRefusal
import org.portalder.fieldref.ffi.Viewer

/** The flavors' build configuration, against the real (officers-capable) host library. */
class ShellConfigTest {
    /** A transport that fails the test if anything is sent. */
    private object NoNetwork : HttpTransport {
        override fun send(request: TransportRequest): TransportResponse =
            throw AssertionError("nothing should be sent: ${request.method} ${request.url}")
    }

    private val partner = ShellConfig.fromBuild("partner", "https://updates.example.org", "")
    private val officers = ShellConfig.fromBuild("officers", "https://updates.example.org/", "")

    @Test
    fun `the flavor alone decides the viewer and enrollment`() {
        assertEquals(Viewer.PUBLIC, partner.viewer)
        assertFalse(partner.canEnroll)
        assertEquals(Viewer.OFFICER, officers.viewer)
        assertTrue(officers.canEnroll)
        assertEquals("https://updates.example.org", officers.server, "no trailing slash")
    }

    @Test
    fun `the partner configuration cannot select officers content, even on an officers library`(): Unit = runBlocking {
        val dir = Files.createTempDirectory("fieldref-partner").toString()
        FieldRefRepository.open(dir, partner).use { repo ->
            assertTrue(repo.search("autism", searchFilters(kinds = listOf(DocKind.CHECKLIST))).hits.isEmpty())
            assertFailsWith<FieldRefException.NotFound> { repo.document("checklist-autism") }
            assertFailsWith<FieldRefException.NotFound> { repo.toggleBookmark("checklist-autism", bookmarked = false) }
            val refused = assertFailsWith<FieldRefException.UpdateRefused> {
                syncRunner(repo, NoNetwork, partner).enroll("K7QM-4XPA-9DZT")
            }
            assertEquals(UpdateRefusal.WRONG_AUDIENCE, refused.reason)
            assertNull(repo.enrollment())
        }
        // The same data dir opened by the officers' app: the partner session installed only
        // public content, so nothing officers-only is there to show.
        FieldRefRepository.open(dir, officers).use { repo ->
            assertTrue(repo.search("autism", searchFilters(kinds = listOf(DocKind.CHECKLIST))).hits.isEmpty())
        }
    }

    @Test
    fun `build values that cannot be right are refused, naming the field`() {
        val flavor = assertFailsWith<IllegalArgumentException> { ShellConfig.fromBuild("admin", "", "") }
        assertTrue(flavor.message!!.startsWith("flavor:"), flavor.message)
        val plain = assertFailsWith<IllegalArgumentException> { ShellConfig.fromBuild("partner", "http://updates.example.org", "") }
        assertTrue(plain.message!!.startsWith("server:"), plain.message)
        assertEquals("http://127.0.0.1:8080", ShellConfig.fromBuild("officers", "http://127.0.0.1:8080", "").server)
    }

    @Test
    fun `a build without a server says so and sends nothing`(): Unit = runBlocking {
        val config = ShellConfig.fromBuild("officers", "  ", "")
        assertNull(config.server)
        FieldRefRepository.open(Files.createTempDirectory("fieldref-noserver").toString(), config).use { repo ->
            val e = assertFailsWith<FieldRefException.InvalidInput> { syncRunner(repo, NoNetwork, config).syncNow() }
            assertTrue("no update server" in e.detail, e.detail)
            val vm = UpdatesViewModel(repo) { syncRunner(repo, NoNetwork, config).syncNow() }
            vm.syncNow()
            assertTrue(vm.state.value.lastResult!!.contains("no update server"))
        }
    }
}
