package org.portalder.fieldref.core

import java.io.RandomAccessFile
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.exists
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.name
import kotlin.random.Random
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.StoreDamage
import org.portalder.fieldref.ffi.Viewer

/** A damaged store through the bindings: the app still starts, answers, and says once what was lost. */
class StoreRecoveryTest {
    private val shelter = "contact-harbor-house-family-shelter"
    private val foodShelf = "contact-old-harbor-food-shelf"

    /** A data dir with two bookmarks and one queued feedback, closed. */
    private fun usedDir(): Path {
        val dir = Files.createTempDirectory("fieldref-recovery")
        runBlocking {
            FieldRefRepository.open(dir.toString(), Viewer.PUBLIC).use { repo ->
                repo.toggleBookmark(shelter, bookmarked = false)
                repo.toggleBookmark(foodShelf, bookmarked = false)
                repo.queueFeedback(shelter, "closed on Sundays now")
            }
        }
        return dir
    }

    private fun store(dir: Path) = dir.resolve("fieldref.sqlite3")

    private suspend fun start(dir: Path) = startup { FieldRefRepository.open(dir.toString(), Viewer.PUBLIC) }

    private suspend fun FieldRefRepository.findsTheShelter() =
        assertTrue(search("family shelter").hits.any { it.id == shelter })

    @Test
    fun `random bytes - the app starts, answers, and shows the notice once`(): Unit = runBlocking {
        val dir = usedDir()
        val garbage = Random(14).nextBytes(48_000)
        Files.write(store(dir), garbage)
        listOf("-wal", "-shm").forEach { Files.deleteIfExists(dir.resolve("fieldref.sqlite3$it")) }

        val ready = assertIs<Startup.Ready>(start(dir))
        ready.repository.use { repo ->
            repo.findsTheShelter()
            val notice = assertNotNull(ready.notice)
            assertTrue(notice.lostAnything)
            assertEquals(
                listOf(UserData.BOOKMARKS, UserData.RECENTS, UserData.QUEUED_FEEDBACK, UserData.CHECKLIST_STEPS),
                notice.lines.map { it.what },
                "nothing could be read, so every kind may have been lost",
            )
            assertTrue(notice.lines.all { it.kept == 0L && it.lost == null })
            assertContentEquals(garbage, Files.readAllBytes(Path.of(notice.keptAt)), "kept for support")
            assertEquals(StoreDamage.NOT_A_DATABASE, repo.recoveryReport()?.damage)
            repo.dismissRecoveryReport()
            assertNull(repo.recoveryReport())
        }
        val again = assertIs<Startup.Ready>(start(dir))
        again.repository.use { assertNull(again.notice, "shown once") }
    }

    @Test
    fun `a truncated store - the app starts, and the notice accounts for the bookmarks`(): Unit = runBlocking {
        val dir = usedDir()
        RandomAccessFile(store(dir).toFile(), "rw").use { it.setLength(it.length() / 2) }

        val ready = assertIs<Startup.Ready>(start(dir))
        ready.repository.use { repo ->
            repo.findsTheShelter()
            val report = assertNotNull(repo.recoveryReport())
            val bookmarks = report.bookmarks
            bookmarks.lost?.let { assertEquals(2uL, bookmarks.kept + it) }
            assertEquals(bookmarks.kept.toInt(), repo.bookmarks().size)
            assertTrue(dir.listDirectoryEntries().any { it.name.startsWith("fieldref.corrupt-") })
        }
    }

    @Test
    fun `a newer app data - the app asks for an update and changes nothing`(): Unit = runBlocking {
        val dir = usedDir()
        val path = store(dir)
        val bytes = Files.readAllBytes(path)
        ByteBuffer.wrap(bytes).putInt(60, 999) // the header's user_version: a newer schema
        Files.write(path, bytes)

        val needs = assertIs<Startup.NeedsUpdate>(start(dir))
        assertEquals(999L, needs.found)
        assertTrue(needs.supported in 1L..998L)
        assertContentEquals(bytes, Files.readAllBytes(path))
        assertTrue(dir.listDirectoryEntries().none { it.name.startsWith("fieldref.corrupt-") })
    }

    @Test
    fun `a data dir that is a file - a clear failure, not a crash`(): Unit = runBlocking {
        val file = Files.createTempFile("fieldref-not-a-dir", ".txt")
        val failed = assertIs<Startup.Failed>(start(file))
        assertTrue(failed.detail.isNotBlank())
        assertTrue(file.exists())
    }
}

/** The memory-mapped index failing to open: the app falls back to an index in RAM. */
class IndexFallbackTest {
    @Test
    fun `a file where the index directory belongs does not stop searches`(): Unit = runBlocking {
        val dir = Files.createTempDirectory("fieldref-mmap")
        val config = ShellConfig.fromBuild("partner", "", "")
        // A file where the index directory must be: the core publishes a new index generation
        // over it (or answers from memory when it cannot), so the app opens and answers.
        Files.writeString(dir.resolve("index"), "not a directory")
        FieldRefRepository.openResilient(dir.toString(), config).use { repo ->
            assertTrue(repo.search("family shelter").hits.any { it.id == "contact-harbor-house-family-shelter" })
        }
        // A healthy directory keeps its index on disk.
        FieldRefRepository.openResilient(Files.createTempDirectory("fieldref-disk").toString(), config).use { repo ->
            assertTrue(!repo.indexInMemory)
        }
    }
}
