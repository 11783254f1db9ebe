package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import org.portalder.fieldref.ffi.DirectoryPage
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.GeoPoint

data class DirectoryState(
    val serviceTypes: Set<String> = emptySet(),
    val languages: Set<String> = emptySet(),
    val openNow: Boolean = false,
    val near: GeoPoint? = null,
    val page: DirectoryPage? = null,
    val error: String? = null,
)

/** The partner directory's filters and the page they produce. */
class DirectoryViewModel(private val repository: FieldRefRepository) {
    private val _state = MutableStateFlow(DirectoryState())
    val state: StateFlow<DirectoryState> = _state.asStateFlow()

    suspend fun toggleService(type: String) {
        _state.update { it.copy(serviceTypes = it.serviceTypes.toggled(type)) }
        refresh()
    }

    suspend fun toggleLanguage(tag: String) {
        _state.update { it.copy(languages = it.languages.toggled(tag)) }
        refresh()
    }

    suspend fun setOpenNow(open: Boolean) {
        _state.update { it.copy(openNow = open) }
        refresh()
    }

    /** The device's position, when the user allowed location: sorts by distance. */
    suspend fun setPosition(point: GeoPoint?) {
        _state.update { it.copy(near = point) }
        refresh()
    }

    suspend fun refresh() {
        val s = _state.value
        try {
            val page = repository.directory(
                directoryFilters(
                    serviceTypes = s.serviceTypes.toList(),
                    languages = s.languages.toList(),
                    openNow = s.openNow,
                    near = s.near,
                ),
            )
            _state.update { it.copy(page = page, error = null) }
        } catch (e: FieldRefException) {
            _state.update { it.copy(error = e.detail) }
        }
    }

    private fun Set<String>.toggled(value: String) = if (value in this) this - value else this + value
}
