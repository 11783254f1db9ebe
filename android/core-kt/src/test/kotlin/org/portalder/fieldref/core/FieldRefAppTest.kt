package org.portalder.fieldref.core

import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.DocKind
import org.portalder.fieldref.ffi.DocumentBody
import org.portalder.fieldref.ffi.FieldRefApp
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.GeoPoint
import org.portalder.fieldref.ffi.OpenConfig
import org.portalder.fieldref.ffi.OpenState
import org.portalder.fieldref.ffi.SyncOutcome
import org.portalder.fieldref.ffi.Viewer

/** The generated bindings and the core-kt layer against the real host-built library. */
class FieldRefAppTest {
    private fun freshDir(): Path = Files.createTempDirectory("fieldref-kt")

    private fun open(dir: Path = freshDir(), viewer: Viewer = Viewer.OFFICER) =
        runBlocking { FieldRefRepository.open(dir.toString(), viewer) }

    @Test
    fun `a fresh data dir opens with the bundled content`(): Unit = runBlocking {
        open().use { repo ->
            val status = repo.contentStatus()
            assertEquals(0uL, status.version)
            assertTrue(status.checklists >= 12uL, "checklists: ${status.checklists}")
            assertTrue(status.notes >= 15uL, "notes: ${status.notes}")
            assertTrue(status.contacts >= 120uL, "contacts: ${status.contacts}")
        }
    }

    @Test
    fun `a typo finds the autism checklist first with a highlighted snippet`(): Unit = runBlocking {
        open().use { repo ->
            val results = repo.search("autsim")
            val first = results.hits.first()
            assertEquals("checklist-autism", first.id)
            assertEquals(DocKind.CHECKLIST, first.kind)
            // The word meant is marked (beside its synonyms, "spectrum"), and no stop word is.
            val marked = first.snippet.highlights.map {
                first.snippet.text.substring(it.start.toInt(), it.end.toInt()).lowercase()
            }
            assertTrue(marked.any { it.startsWith("autis") }, marked.toString())
            assertTrue(marked.none { it == "the" || it == "on" }, marked.toString())
        }
    }

    @Test
    fun `documents arrive typed by kind`(): Unit = runBlocking {
        open().use { repo ->
            val checklist = repo.document("checklist-autism")
            val sections = assertIs<DocumentBody.Checklist>(checklist.body).sections
            assertTrue(sections.isNotEmpty() && sections.all { it.steps.isNotEmpty() })

            val note = repo.document("note-active-listening")
            assertTrue(assertIs<DocumentBody.Note>(note.body).dos.isNotEmpty())

            val contact = repo.document("contact-harbor-house-family-shelter")
            val detail = assertIs<DocumentBody.Contact>(contact.body).contact
            assertTrue(detail.phones.isNotEmpty())
            assertEquals(OpenState.OPEN, detail.open.state, "a 24/7 shelter is open")
            assertEquals("open 24/7", detail.open.description)
            assertEquals(listOf("checklist-autism", "note-active-listening", "contact-harbor-house-family-shelter"),
                repo.recents().map { it.id }.reversed().takeLast(3))
        }
    }

    @Test
    fun `a checklist says who reviewed it, from what sources, and what changed last`(): Unit = runBlocking {
        open().use { repo ->
            val doc = repo.document("checklist-suicidal-person")
            val p = doc.provenance
            assertTrue(!p.reviewedBy.isNullOrBlank(), "reviewer")
            assertNotNull(p.reviewedAt, "review date")
            assertNotNull(p.reviewDue, "review due")
            assertTrue(p.reviewedAt!! < p.reviewDue!!, "${p.reviewedAt} before ${p.reviewDue}")
            assertTrue(p.authors.isNotEmpty(), "authors")
            assertTrue(p.sources.isNotEmpty() && p.sources.all { it.title.isNotBlank() && (it.url != null || it.publication != null) })
            val latest = assertNotNull(p.latestChange, "latest change note")
            assertEquals(doc.revision, latest.revision)
            assertTrue(latest.note.isNotBlank())
            assertNotNull(latest.daysAgo, "days since ${latest.date}")
            assertEquals(latest, p.changes.first(), "changes arrive newest first")
            // Every call button a step offers resolves to a contact the shell can dial.
            val steps = assertIs<DocumentBody.Checklist>(doc.body).sections.flatMap { it.steps }
            val linked = doc.linkedContacts.associateBy { it.id }
            for (id in steps.flatMap { it.contacts }) {
                assertTrue(linked[id]?.phones?.isNotEmpty() == true, "step links $id")
            }
        }
    }

    @Test
    fun `directory facets count the filtered contacts`(): Unit = runBlocking {
        open().use { repo ->
            val page = repo.directory(directoryFilters(serviceTypes = listOf("shelter")))
            assertTrue(page.total > 0uL)
            val shelter = page.serviceTypes.first { it.value == "shelter" }
            assertEquals(page.total, shelter.count)
            val spanish = repo.directory(directoryFilters(serviceTypes = listOf("shelter"), languages = listOf("Spanish")))
            assertTrue(spanish.total in 1uL until page.total, "Spanish-speaking shelters: ${spanish.total}")
            assertEquals("Spanish", spanish.languages.first { it.value == "es" }.label)
        }
    }

    @Test
    fun `bookmarks survive closing and reopening`(): Unit = runBlocking {
        val dir = freshDir()
        open(dir).use { repo ->
            assertTrue(repo.toggleBookmark("checklist-suicidal-person", bookmarked = false))
        }
        open(dir).use { repo ->
            assertEquals(listOf("checklist-suicidal-person"), repo.bookmarks().map { it.id })
            assertEquals(false, repo.toggleBookmark("checklist-suicidal-person", bookmarked = true))
            assertTrue(repo.bookmarks().isEmpty())
        }
    }

    @Test
    fun `a contact opened with the officer's position has a distance`(): Unit = runBlocking {
        open().use { repo ->
            val near = GeoPoint(44.02, -92.47)
            val contact = assertIs<DocumentBody.Contact>(repo.document("contact-harbor-house-family-shelter", near).body).contact
            val km = assertNotNull(contact.distanceKm)
            assertTrue(km > 0.0 && km < 2.0, "$km km")
            assertEquals(contact.languages.size, contact.languageNames.size)
            val page = repo.directory(directoryFilters(serviceTypes = listOf("shelter"), near = near))
            val distances = page.items.mapNotNull { it.contact.distanceKm }
            assertTrue(distances.isNotEmpty())
        }
    }

    @Test
    fun `isBookmarked follows add and remove`(): Unit = runBlocking {
        open().use { repo ->
            assertFalse(repo.isBookmarked("checklist-autism"))
            repo.toggleBookmark("checklist-autism", bookmarked = false)
            assertTrue(repo.isBookmarked("checklist-autism"))
            assertTrue(repo.document("checklist-autism").bookmarked)
            repo.toggleBookmark("checklist-autism", bookmarked = true)
            assertFalse(repo.isBookmarked("checklist-autism"))
        }
    }

    @Test
    fun `an in-memory index answers like the one on disk and the stats say so`(): Unit = runBlocking {
        val dir = freshDir()
        FieldRefRepository.open(dir.toString(), indexInMemory = true).use { repo ->
            assertEquals("checklist-autism", repo.search("autsim").hits.first().id)
            val stats = repo.stats()
            assertTrue(stats.installedBundledAtOpen)
            assertTrue(stats.indexInStep)
            val status = repo.contentStatus()
            assertEquals(status.checklists + status.notes + status.contacts, stats.indexDocs)
        }
        assertFalse(Files.exists(dir.resolve("index")))
    }

    @Test
    fun `errors arrive as the right exceptions`() {
        open().use { repo ->
            assertFailsWith<FieldRefException.NotFound> { runBlocking { repo.document("no-such-document") } }
            assertFailsWith<FieldRefException.NotFound> { runBlocking { repo.toggleBookmark("no-such-document", false) } }
            assertFailsWith<FieldRefException.InvalidInput> { runBlocking { repo.queueFeedback("checklist-autism", "  ") } }
        }
        val notFound = assertFailsWith<FieldRefException.NotFound> { open().use { runBlocking { it.acknowledge("no-such-document") } } }
        assertTrue("no-such-document" in notFound.detail, notFound.detail)
        assertFailsWith<FieldRefException.InvalidInput> {
            FieldRefApp.openWithConfig(freshDir().toString(), OpenConfig(Viewer.OFFICER, false, "{not json"))
        }
        val file = Files.createTempFile("not-a-dir", ".txt")
        assertFailsWith<FieldRefException.Storage> { FieldRefApp.open(file.toString(), Viewer.OFFICER) }
    }

    @Test
    fun `the public never sees officers-only checklists`(): Unit = runBlocking {
        open(viewer = Viewer.PUBLIC).use { repo ->
            assertTrue(repo.search("autism", searchFilters(kinds = listOf(DocKind.CHECKLIST))).hits.isEmpty())
            assertFailsWith<FieldRefException.NotFound> { repo.document("checklist-autism") }
        }
    }

    @Test
    fun `a public viewer's bookmarks and recents never name officers-only documents`(): Unit = runBlocking {
        val dir = freshDir()
        val publicContact = "contact-alder-language-line"
        open(dir).use { repo ->
            assertTrue(repo.toggleBookmark("checklist-autism", bookmarked = false))
            assertTrue(repo.toggleBookmark(publicContact, bookmarked = false))
            repo.document("checklist-autism")
            repo.document(publicContact)
            assertEquals(2, repo.bookmarks().size)
        }
        open(dir, viewer = Viewer.PUBLIC).use { repo ->
            assertEquals(listOf(publicContact), repo.bookmarks().map { it.id })
            assertEquals(listOf(publicContact), repo.recents().map { it.id })
            assertFailsWith<FieldRefException.NotFound> { repo.toggleBookmark("checklist-suicidal-person", bookmarked = false) }
            assertFailsWith<FieldRefException.NotFound> { repo.queueFeedback("checklist-autism", "step 3 is unclear") }
        }
    }

    @Test
    fun `an officers device that is not enrolled is told so and keeps its content`(): Unit = runBlocking {
        val server = System.getProperty("fieldref.server")
        val root = System.getProperty("fieldref.trustRoot")
        assumeTrue(server != null && root != null, "set by tests/suites/kotlin.sh")
        FieldRefRepository.open(freshDir().toString(), Viewer.OFFICER, Files.readString(Path.of(root))).use { repo ->
            assertEquals(null, repo.enrollment())
            assertFailsWith<FieldRefException.NotEnrolled> { repo.sync(HttpUrlConnectionTransport(), server!!) }
            assertEquals(0uL, repo.syncStatus().contentVersion)
            assertFailsWith<FieldRefException.Refused> { repo.enroll(HttpUrlConnectionTransport(), server!!, "AAAA-BBBB-CCCC") }
        }
    }

    @Test
    fun `sync goes through the Kotlin transport against the real server`(): Unit = runBlocking {
        val server = System.getProperty("fieldref.server")
        val root = System.getProperty("fieldref.trustRoot")
        val code = System.getProperty("fieldref.enrollCode")
        assumeTrue(server != null && root != null && code != null, "set by tests/suites/kotlin.sh")
        val repo = FieldRefRepository.open(freshDir().toString(), Viewer.OFFICER, Files.readString(Path.of(root)))
        repo.use {
            val transport = HttpUrlConnectionTransport()
            val enrolled = repo.enroll(transport, server!!, code!!)
            assertEquals("port-alder-officers", enrolled.channel)
            assertEquals(enrolled, repo.enrollment())
            repo.queueFeedback("checklist-autism", "Step 3 needs the AAC board's name")
            val first = it.sync(transport, server)
            assertEquals(SyncOutcome.UPDATED_BY_SNAPSHOT, first.outcome)
            assertEquals(1uL, first.toVersion)
            assertEquals(1uL, first.outboxSent)
            val second = it.sync(transport, server)
            assertEquals(SyncOutcome.UP_TO_DATE, second.outcome, "a 304 through HttpURLConnection")
            assertEquals(0uL, it.syncStatus().outboxPending)
        }
    }
}
