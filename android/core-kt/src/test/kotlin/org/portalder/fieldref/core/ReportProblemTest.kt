package org.portalder.fieldref.core

import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.FeedbackReason
import org.portalder.fieldref.ffi.Viewer

class ReportProblemTest {
    private val shelter = "contact-harbor-house-family-shelter"

    @Test
    fun `a reason alone can be sent, other needs words, and the outbox counts it`(): Unit = runBlocking {
        FieldRefRepository.open(Files.createTempDirectory("fieldref-report").toString(), Viewer.PUBLIC).use { repo ->
            val vm = ReportProblemViewModel(repo, shelter)
            assertFalse(vm.state.value.canSend, "no reason yet")
            vm.choose(FeedbackReason.OTHER)
            assertFalse(vm.state.value.canSend, "other needs words")
            vm.edit("   ")
            assertFalse(vm.state.value.canSend)
            vm.choose(FeedbackReason.WRONG_NUMBER)
            assertTrue(vm.state.value.canSend)
            vm.send()
            assertTrue(vm.state.value.queued)
            assertNull(vm.state.value.reason, "the form is cleared")
            assertEquals(1uL, repo.syncStatus().outboxPending)

            val other = ReportProblemViewModel(repo, "no-such-document")
            other.choose(FeedbackReason.CLOSED)
            other.send()
            assertFalse(other.state.value.queued)
            assertTrue(other.state.value.error!!.contains("no-such-document"))
            assertEquals(1uL, repo.syncStatus().outboxPending)
        }
    }

    @Test
    fun `contact actions build safe URIs`() {
        assertEquals("tel:5550142", dialUri("555-0142"))
        assertEquals("tel:+15550142,12", dialUri("+1 (555) 0142 ext 12"))
        assertEquals("mailto:intake@harborhouse.example", mailUri(" intake@harborhouse.example "))
        assertNull(mailUri("not an address"))
        assertEquals("https://harborhouse.example", webUri("harborhouse.example"))
        assertEquals("http://127.0.0.1:8080/x", webUri("http://127.0.0.1:8080/x"))
        assertNull(webUri("javascript:alert(1)"))
        assertNull(webUri("file:///etc/passwd"))
        assertEquals("Harbor House\n555-0142\n12 Quay St", shareText("Harbor House", "555-0142", "12 Quay St"))
    }
}
