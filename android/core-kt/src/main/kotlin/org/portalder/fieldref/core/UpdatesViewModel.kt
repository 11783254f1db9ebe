package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import org.portalder.fieldref.ffi.ContentStatus
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.HttpTransport
import org.portalder.fieldref.ffi.SyncReport
import org.portalder.fieldref.ffi.SyncStatus

/** What the background sync (WorkManager, BGAppRefreshTask) and the "Sync now" button call. */
fun interface SyncRunner {
    suspend fun syncNow(): SyncReport
}

/** Syncs [repository] with [server] through the platform [transport]. */
class DefaultSyncRunner(
    private val repository: FieldRefRepository,
    private val transport: HttpTransport,
    private val server: String,
) : SyncRunner {
    override suspend fun syncNow(): SyncReport = repository.sync(transport, server)
}

data class UpdatesState(
    val content: ContentStatus? = null,
    val sync: SyncStatus? = null,
    val syncing: Boolean = false,
    val lastResult: String? = null,
    /** Why the status could not be read, if it could not. */
    val error: String? = null,
)

/** The Updates screen: content version, last verified sync, staleness, and "Sync now". */
class UpdatesViewModel(private val repository: FieldRefRepository, private val runner: SyncRunner) {
    private val _state = MutableStateFlow(UpdatesState())
    val state: StateFlow<UpdatesState> = _state.asStateFlow()

    suspend fun refresh() {
        _state.value = try {
            _state.value.copy(content = repository.contentStatus(), sync = repository.syncStatus(), error = null)
        } catch (e: FieldRefException) {
            _state.value.copy(error = e.detail)
        }
    }

    suspend fun syncNow() {
        _state.value = _state.value.copy(syncing = true)
        val message = try {
            val report = runner.syncNow()
            "${report.outcome.name.lowercase().replace('_', ' ')}: version ${report.toVersion}"
        } catch (e: FieldRefException) {
            e.detail
        }
        _state.value = _state.value.copy(syncing = false, lastResult = message)
        refresh()
    }
}
