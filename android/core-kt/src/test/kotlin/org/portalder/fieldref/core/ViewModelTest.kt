package org.portalder.fieldref.core

import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.DocKind
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.StepRef
import org.portalder.fieldref.ffi.SyncOutcome
import org.portalder.fieldref.ffi.SyncReport

class ViewModelTest {
    private fun repo() = runBlocking { FieldRefRepository.open(Files.createTempDirectory("fieldref-vm").toString()) }

    @Test
    fun `typing shows only the latest query's results`(): Unit = runBlocking {
        repo().use { repo ->
            val vm = SearchViewModel(repo, this, debounceMs = 40)
            for (prefix in listOf("a", "au", "aut", "auts", "autsi", "autsim")) vm.onQueryChanged(prefix)
            delay(400)
            val state = vm.state.value
            assertEquals("autsim", state.query)
            assertEquals("checklist-autism", state.hits.first().id)
            vm.onKindSelected(DocKind.CONTACT)
            delay(400)
            assertTrue(vm.state.value.hits.all { it.kind == DocKind.CONTACT })
            vm.onQueryChanged("   ")
            delay(200)
            assertTrue(vm.state.value.hits.isEmpty())
        }
    }

    @Test
    fun `checklist ticks track progress and the next step, and survive closing the app`(): Unit = runBlocking {
        val dir = java.nio.file.Files.createTempDirectory("fieldref-kt-ticks").toString()
        FieldRefRepository.open(dir).use { repo ->
            val checklist = ChecklistState(repo.document("checklist-edged-weapon"), repo)
            checklist.load()
            val total = checklist.progress.value.total
            assertTrue(total > 5u)
            checklist.toggle(StepRef(0u, 0u))
            assertEquals(StepRef(0u, 1u), checklist.nextStep())
            checklist.toggle(StepRef(0u, 0u))
            assertEquals(0, checklist.progress.value.done.size)
            checklist.sections.forEachIndexed { s, section ->
                section.steps.indices.forEach { checklist.toggle(StepRef(s.toUInt(), it.toUInt())) }
            }
            assertTrue(checklist.progress.value.complete)
            assertEquals(null, checklist.nextStep())
            assertFailsWith<IllegalArgumentException> { checklist.toggle(StepRef(99u, 0u)) }
            assertFailsWith<IllegalArgumentException> { ChecklistState(repo.document("note-active-listening"), repo) }
            checklist.reset()
            checklist.toggle(StepRef(1u, 0u))
        }
        // Process death: a new repository on the same data directory finds the tick.
        FieldRefRepository.open(dir).use { repo ->
            val checklist = ChecklistState(repo.document("checklist-edged-weapon"), repo)
            checklist.load()
            assertEquals(setOf(StepRef(1u, 0u)), checklist.ticked)
            assertEquals(StepRef(0u, 0u), checklist.nextStep())
        }
    }

    @Test
    fun `sync now shows the outcome, or the error's detail, and refreshes the status`(): Unit = runBlocking {
        repo().use { repo ->
            val report = SyncReport(SyncOutcome.UP_TO_DATE, 0uL, 0uL, 0uL, 0uL, null, null, false, repo.syncStatus())
            val ok = UpdatesViewModel(repo, runner = { report })
            ok.syncNow()
            assertEquals("up to date: version 0", ok.state.value.lastResult)
            assertEquals(0uL, ok.state.value.content?.version)
            assertFalse(ok.state.value.syncing)

            val offline = UpdatesViewModel(repo, runner = { throw FieldRefException.Network("no route to host") })
            offline.syncNow()
            assertEquals("no route to host", offline.state.value.lastResult)
            assertFalse(offline.state.value.syncing)
            assertFalse(offline.state.value.needsEnrollment)
            assertFalse(offline.canEnroll)

            // An officers app whose device is not enrolled: the screen offers enrollment, and a
            // refused code is shown without leaving the screen busy.
            val refusedCode = FieldRefException.Refused(401u.toUShort(), "unauthorized", "code not valid")
            val officers = UpdatesViewModel(
                repo,
                enroller = { throw refusedCode },
                runner = { throw FieldRefException.NotEnrolled("this device is not enrolled") },
            )
            officers.syncNow()
            assertTrue(officers.state.value.needsEnrollment)
            assertTrue(officers.canEnroll)
            officers.enroll(" AAAA-BBBB-CCCC ")
            assertEquals("code not valid", officers.state.value.lastResult)
            assertFalse(officers.state.value.syncing)
            assertEquals(null, officers.state.value.enrollment)
        }
    }

    @Test
    fun `directory filters narrow the page`(): Unit = runBlocking {
        repo().use { repo ->
            val vm = DirectoryViewModel(repo)
            vm.refresh()
            val all = vm.state.value.page!!.total
            vm.toggleService("interpreter")
            val interpreters = vm.state.value.page!!.total
            assertTrue(interpreters in 1uL until all)
            vm.toggleLanguage("so")
            assertTrue(vm.state.value.page!!.items.all { item -> "so" in item.contact.languages || item.contact.phones.any { it.language == "so" } })
            vm.toggleService("interpreter")
            vm.toggleLanguage("so")
            assertEquals(all, vm.state.value.page!!.total)
        }
    }
}
