package org.portalder.fieldref.core

import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.AsyncHttpTransport
import org.portalder.fieldref.ffi.FeedbackReason
import org.portalder.fieldref.ffi.FieldRefApp
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.OpenConfig
import org.portalder.fieldref.ffi.SyncOutcome
import org.portalder.fieldref.ffi.TransportRequest
import org.portalder.fieldref.ffi.TransportResponse
import org.portalder.fieldref.ffi.Viewer

/**
 * The awaitable sync iOS uses (`syncAsync` with an async transport), exercised from Kotlin: the
 * same generated Rust entry points and foreign-future plumbing, against the real server.
 */
class AsyncTransportTest {
    /** An async transport: the call suspends; the blocking I/O runs on the IO dispatcher. */
    private class SuspendingTransport : AsyncHttpTransport {
        var calls = 0
        override suspend fun send(request: TransportRequest): TransportResponse {
            calls++
            return withContext(Dispatchers.IO) { HttpUrlConnectionTransport().send(request) }
        }
    }

    @Test
    fun `an awaited sync installs the release and sends a reasoned report`(): Unit = runBlocking {
        val server = System.getProperty("fieldref.server")
        val root = System.getProperty("fieldref.trustRoot")
        assumeTrue(server != null && root != null, "set by tests/suites/kotlin.sh")
        val dir = Files.createTempDirectory("fieldref-async").toString()
        FieldRefApp.openWithConfig(dir, OpenConfig(Viewer.PUBLIC, false, Files.readString(Path.of(root)))).use { app ->
            app.reportProblem("contact-harbor-house-family-shelter", FeedbackReason.MOVED, "now on Pier 4")
            val transport = SuspendingTransport()
            val first = app.syncAsync(transport, server!!)
            assertEquals(SyncOutcome.UPDATED_BY_SNAPSHOT, first.outcome)
            assertEquals(1uL, first.toVersion)
            assertEquals(1uL, first.outboxSent)
            val second = app.syncAsync(transport, server)
            assertEquals(SyncOutcome.UP_TO_DATE, second.outcome)
            assertTrue(transport.calls >= 3, "calls: ${transport.calls}")
            // A partner session cannot enroll, through the async path too.
            assertFailsWith<FieldRefException.UpdateRefused> { app.enrollAsync(transport, server, "K7QM-4XPA-9DZT") }
        }
    }

    @Test
    fun `an unreachable server is a network error, not a hang`(): Unit = runBlocking {
        val dir = Files.createTempDirectory("fieldref-async-down").toString()
        FieldRefApp.openWithConfig(dir, OpenConfig(Viewer.PUBLIC, false, null)).use { app ->
            assertFailsWith<FieldRefException> { app.syncAsync(SuspendingTransport(), "http://127.0.0.1:9") }
        }
    }
}
