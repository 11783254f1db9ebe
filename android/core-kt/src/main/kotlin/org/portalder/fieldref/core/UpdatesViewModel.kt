package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import org.portalder.fieldref.ffi.ContentStatus
import org.portalder.fieldref.ffi.Enrollment
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.HttpTransport
import org.portalder.fieldref.ffi.SyncReport
import org.portalder.fieldref.ffi.SyncStatus

/** What the background sync (WorkManager, BGAppRefreshTask) and the "Sync now" button call. */
interface SyncRunner {
    suspend fun syncNow(): SyncReport

    /** Enrolls this device for officers updates with an admin's one-time code. */
    suspend fun enroll(code: String): Enrollment
}

/**
 * The build's runner: syncs with [config]'s server, or, in a build made without one, says so
 * (an `InvalidInput` the Updates screen shows) instead of sending anything anywhere.
 */
fun syncRunner(repository: FieldRefRepository, transport: HttpTransport, config: ShellConfig): SyncRunner =
    config.server?.let { DefaultSyncRunner(repository, transport, it) } ?: object : SyncRunner {
        private fun missing() = FieldRefException.InvalidInput("this build has no update server configured")
        override suspend fun syncNow(): SyncReport = throw missing()
        override suspend fun enroll(code: String): Enrollment = throw missing()
    }

/** Syncs [repository] with [server] through the platform [transport]. */
class DefaultSyncRunner(
    private val repository: FieldRefRepository,
    private val transport: HttpTransport,
    private val server: String,
) : SyncRunner {
    override suspend fun syncNow(): SyncReport = repository.sync(transport, server)

    override suspend fun enroll(code: String): Enrollment = repository.enroll(transport, server, code)
}

data class UpdatesState(
    val content: ContentStatus? = null,
    val sync: SyncStatus? = null,
    val syncing: Boolean = false,
    val lastResult: String? = null,
    /** Why the status could not be read, if it could not. */
    val error: String? = null,
    /** This device's officers enrollment, once it has one. */
    val enrollment: Enrollment? = null,
    /** The last sync was refused because this device is not (or no longer) enrolled. */
    val needsEnrollment: Boolean = false,
)

/**
 * The Updates screen: content version, last verified sync, staleness, "Sync now", and in the
 * officers' app "Enroll this device" ([enroller] trades an admin's one-time code; null in the
 * partners' app, which cannot enroll).
 */
class UpdatesViewModel(
    private val repository: FieldRefRepository,
    private val enroller: (suspend (String) -> Enrollment)? = null,
    private val runner: suspend () -> SyncReport,
) {
    private val _state = MutableStateFlow(UpdatesState())
    val state: StateFlow<UpdatesState> = _state.asStateFlow()

    suspend fun refresh() {
        _state.value = try {
            _state.value.copy(
                content = repository.contentStatus(),
                sync = repository.syncStatus(),
                enrollment = repository.enrollment(),
                error = null,
            )
        } catch (e: FieldRefException) {
            _state.value.copy(error = e.detail)
        }
    }

    suspend fun syncNow() {
        _state.value = _state.value.copy(syncing = true)
        var needsEnrollment = false
        val message = try {
            val report = runner()
            "${report.outcome.name.lowercase().replace('_', ' ')}: version ${report.toVersion}"
        } catch (e: FieldRefException) {
            needsEnrollment = e is FieldRefException.NotEnrolled
            e.detail
        }
        _state.value = _state.value.copy(syncing = false, lastResult = message, needsEnrollment = needsEnrollment)
        refresh()
    }

    /** Whether this app can offer "Enroll this device" (the officers' app). */
    val canEnroll: Boolean get() = enroller != null

    /** Enrolls with [code], then syncs so the officers content arrives at once. */
    suspend fun enroll(code: String) {
        val enroll = enroller ?: return
        _state.value = _state.value.copy(syncing = true)
        try {
            val enrolled = enroll(code.trim())
            _state.value = _state.value.copy(enrollment = enrolled, needsEnrollment = false)
        } catch (e: FieldRefException) {
            _state.value = _state.value.copy(syncing = false, lastResult = e.detail)
            return
        }
        syncNow()
    }
}
