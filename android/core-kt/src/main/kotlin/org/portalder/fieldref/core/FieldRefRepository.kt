package org.portalder.fieldref.core

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.portalder.fieldref.ffi.DirectoryFilters
import org.portalder.fieldref.ffi.DirectoryPage
import org.portalder.fieldref.ffi.DocKind
import org.portalder.fieldref.ffi.DocumentDetail
import org.portalder.fieldref.ffi.ChecklistProgress
import org.portalder.fieldref.ffi.Enrollment
import org.portalder.fieldref.ffi.FeedbackReason
import org.portalder.fieldref.ffi.StepRef
import org.portalder.fieldref.ffi.FieldRefApp
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.GeoPoint
import org.portalder.fieldref.ffi.HttpTransport
import org.portalder.fieldref.ffi.OpenConfig
import org.portalder.fieldref.ffi.SavedItem
import org.portalder.fieldref.ffi.SearchFilters
import org.portalder.fieldref.ffi.SearchResults
import org.portalder.fieldref.ffi.StoreRecovery
import org.portalder.fieldref.ffi.StoreStats
import org.portalder.fieldref.ffi.SyncReport
import org.portalder.fieldref.ffi.SyncStatus
import org.portalder.fieldref.ffi.ContentStatus
import org.portalder.fieldref.ffi.Viewer

/**
 * The app's single entry to the core. Every call hops to [io], so screens can call it from the
 * main thread; the core itself is thread-safe and shared by the UI and the sync worker.
 */
class FieldRefRepository(
    private val app: FieldRefApp,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    /** The on-disk index could not be opened or built, so this session keeps it in RAM. */
    val indexInMemory: Boolean = false,
) : AutoCloseable {

    companion object {
        /**
         * Opens [dataDir], installing the bundled content on first run. [indexInMemory] keeps the
         * search index in RAM (rebuilt at each open) for devices where memory-mapped files fail.
         */
        suspend fun open(
            dataDir: String,
            viewer: Viewer = Viewer.OFFICER,
            trustRootJson: String? = null,
            io: CoroutineDispatcher = Dispatchers.IO,
            indexInMemory: Boolean = false,
        ): FieldRefRepository = withContext(io) {
            val app = FieldRefApp.openWithConfig(dataDir, OpenConfig(viewer, indexInMemory, trustRootJson))
            FieldRefRepository(app, io, indexInMemory)
        }

        /**
         * Opens as [config]'s app with the index on disk, and when that fails with a storage
         * error, once more with the index in RAM: the second try differs only in where the index
         * lives, so if it opens, the memory-mapped index was the problem (some devices and
         * file systems refuse mmap) and the app works on, rebuilding the index at each launch.
         * A newer app's data ([FieldRefException.DataFromNewerApp]) is never retried.
         */
        suspend fun openResilient(
            dataDir: String,
            config: ShellConfig,
            io: CoroutineDispatcher = Dispatchers.IO,
        ): FieldRefRepository = try {
            open(dataDir, config, io)
        } catch (e: FieldRefException.Storage) {
            open(dataDir, config, io, indexInMemory = true)
        }

        /**
         * Opens [dataDir] as [config]'s app: its viewer (public for the partner flavor, whatever
         * else is asked) and its trust root for a device that has none yet.
         */
        suspend fun open(
            dataDir: String,
            config: ShellConfig,
            io: CoroutineDispatcher = Dispatchers.IO,
            indexInMemory: Boolean = false,
        ): FieldRefRepository = open(dataDir, config.viewer, config.trustRootJson, io, indexInMemory)
    }

    /**
     * What recovering a damaged store did, until [dismissRecoveryReport]: the app shows it once
     * (see [recoveryNotice]) then dismisses it. Null when nothing happened.
     */
    suspend fun recoveryReport(): StoreRecovery? = withContext(io) { app.recoveryReport() }

    suspend fun dismissRecoveryReport() = withContext(io) { app.dismissRecoveryReport() }

    suspend fun search(query: String, filters: SearchFilters = searchFilters()): SearchResults =
        withContext(io) { app.search(query, filters) }

    suspend fun document(id: String, near: GeoPoint? = null): DocumentDetail =
        withContext(io) { app.document(id, near) }

    suspend fun directory(filters: DirectoryFilters = directoryFilters()): DirectoryPage =
        withContext(io) { app.directory(filters) }

    suspend fun bookmarks(): List<SavedItem> = withContext(io) { app.bookmarks() }

    suspend fun recents(limit: Int = 20): List<SavedItem> = withContext(io) { app.recents(limit.toUInt()) }

    /** Bookmarks or un-bookmarks [id]; returns whether it is bookmarked afterwards. */
    suspend fun toggleBookmark(id: String, bookmarked: Boolean): Boolean = withContext(io) {
        if (bookmarked) {
            app.removeBookmark(id)
            false
        } else {
            app.addBookmark(id)
            true
        }
    }

    suspend fun checklistProgress(id: String): ChecklistProgress = withContext(io) { app.checklistProgress(id) }

    suspend fun markStep(id: String, step: StepRef, done: Boolean): ChecklistProgress =
        withContext(io) { app.markStep(id, step, done) }

    suspend fun resetChecklist(id: String): ChecklistProgress = withContext(io) { app.resetChecklist(id) }

    suspend fun isBookmarked(id: String): Boolean = withContext(io) { app.isBookmarked(id) }

    suspend fun stats(): StoreStats = withContext(io) { app.stats() }

    suspend fun contentStatus(): ContentStatus = withContext(io) { app.contentStatus() }

    suspend fun syncStatus(): SyncStatus = withContext(io) { app.syncStatus() }

    suspend fun sync(transport: HttpTransport, server: String): SyncReport =
        withContext(io) { app.sync(transport, server) }

    /**
     * Enrolls this device for officers updates with the one-time code an admin gave the officer;
     * the next [sync] installs the officers release. Throws `FieldRefException.Refused` (401) for
     * a wrong, used or expired code.
     */
    suspend fun enroll(transport: HttpTransport, server: String, code: String): Enrollment =
        withContext(io) { app.enroll(transport, server, code) }

    /** This device's officers enrollment, or null ("Enroll this device" on the Updates screen). */
    suspend fun enrollment(): Enrollment? = withContext(io) { app.enrollment() }

    suspend fun queueFeedback(id: String, text: String): String = withContext(io) { app.queueFeedback(id, text) }

    /** A problem report with its reason; words are required only for [FeedbackReason.OTHER]. */
    suspend fun reportProblem(id: String, reason: FeedbackReason, text: String = ""): String =
        withContext(io) { app.reportProblem(id, reason, text) }

    suspend fun acknowledge(id: String): String = withContext(io) { app.acknowledge(id) }

    override fun close() = app.close()
}

/** Search filters with everything off: what a screen starts from. */
fun searchFilters(
    kinds: List<DocKind> = emptyList(),
    serviceTypes: List<String> = emptyList(),
    languages: List<String> = emptyList(),
    openNow: Boolean = false,
    near: GeoPoint? = null,
    radiusKm: Double? = null,
    limit: Int = 25,
) = SearchFilters(kinds, emptyList(), serviceTypes, languages, openNow, near, radiusKm, limit.toUInt())

fun directoryFilters(
    serviceTypes: List<String> = emptyList(),
    languages: List<String> = emptyList(),
    neighborhood: String? = null,
    openNow: Boolean = false,
    near: GeoPoint? = null,
    radiusKm: Double? = null,
    limit: Int? = null,
) = DirectoryFilters(serviceTypes, languages, neighborhood, openNow, near, radiusKm, limit?.toUInt())
