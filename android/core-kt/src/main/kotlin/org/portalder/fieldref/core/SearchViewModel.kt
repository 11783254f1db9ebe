package org.portalder.fieldref.core

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.portalder.fieldref.ffi.DocKind
import org.portalder.fieldref.ffi.FacetCount
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.SearchHit

data class SearchState(
    val query: String = "",
    val kind: DocKind? = null,
    val hits: List<SearchHit> = emptyList(),
    val total: Long = 0,
    val kinds: List<FacetCount> = emptyList(),
    val searching: Boolean = false,
    val error: String? = null,
)

/**
 * Search as you type: each keystroke updates the query at once and runs the search after a short
 * pause, cancelling the one before, so only the latest text's results are ever shown.
 * No Android imports: the Compose screen observes [state].
 */
class SearchViewModel(
    private val repository: FieldRefRepository,
    private val scope: CoroutineScope,
    private val debounceMs: Long = 120,
) {
    private val _state = MutableStateFlow(SearchState())
    val state: StateFlow<SearchState> = _state.asStateFlow()
    private var pending: Job? = null

    fun onQueryChanged(text: String) {
        _state.update { it.copy(query = text) }
        schedule()
    }

    fun onKindSelected(kind: DocKind?) {
        _state.update { it.copy(kind = kind) }
        schedule()
    }

    private fun schedule() {
        pending?.cancel()
        pending = scope.launch {
            delay(debounceMs)
            searchNow()
        }
    }

    /** Runs the search for the current state immediately. */
    suspend fun searchNow() {
        val current = _state.value
        if (current.query.isBlank()) {
            _state.update { it.copy(hits = emptyList(), total = 0, kinds = emptyList(), error = null) }
            return
        }
        _state.update { it.copy(searching = true) }
        try {
            val filters = searchFilters(kinds = listOfNotNull(current.kind))
            val results = repository.search(current.query, filters)
            _state.update {
                if (it.query != current.query || it.kind != current.kind) it // a newer query won
                else it.copy(
                    hits = results.hits,
                    total = results.total.toLong(),
                    kinds = results.kinds,
                    searching = false,
                    error = null,
                )
            }
        } catch (e: FieldRefException) {
            _state.update { it.copy(searching = false, error = e.detail) }
        }
    }
}
