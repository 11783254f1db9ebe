package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import org.portalder.fieldref.ffi.DirectoryPage
import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.GeoPoint

/**
 * Where the user wants places near: nowhere in particular, their own position ("Near me", after
 * they tapped it and allowed coarse location), or a neighborhood they chose (the fallback when
 * location is denied or unavailable, and a filter in its own right).
 */
sealed interface Place {
    data object Anywhere : Place

    data class NearMe(val point: GeoPoint) : Place

    data class Neighborhood(val name: String) : Place
}

/**
 * The platform's coarse location, asked for only when the user taps "Near me": Android requests
 * ACCESS_COARSE_LOCATION then reads one fix; iOS asks When-In-Use with reduced accuracy. Null
 * when the user refuses or no fix arrives.
 */
fun interface CoarseLocation {
    suspend fun request(): GeoPoint?
}

data class DirectoryState(
    val serviceTypes: Set<String> = emptySet(),
    val languages: Set<String> = emptySet(),
    val openNow: Boolean = false,
    val place: Place = Place.Anywhere,
    /** Location was refused or unavailable: offer the neighborhood list instead. */
    val chooseNeighborhood: Boolean = false,
    /** A location request is in flight (the button shows progress, not a second request). */
    val locating: Boolean = false,
    val page: DirectoryPage? = null,
    val error: String? = null,
) {
    val near: GeoPoint? get() = (place as? Place.NearMe)?.point
    val neighborhood: String? get() = (place as? Place.Neighborhood)?.name

    /** The neighborhoods to choose from, most contacts first (from the page's facet counts). */
    val neighborhoods: List<String> get() = page?.neighborhoods?.map { it.value }.orEmpty()
}

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

    /**
     * "Near me" was tapped: only now is location asked for. With a position the list is sorted
     * by distance and shows it; without one (refused, no fix) the neighborhood choice is offered.
     */
    suspend fun nearMe(location: CoarseLocation) {
        if (_state.value.locating) return
        _state.update { it.copy(locating = true) }
        val point = try {
            location.request()
        } catch (e: Exception) {
            // A platform failure (no provider, a timeout) is the same as no answer for the user.
            null
        }
        _state.update {
            if (point != null) {
                it.copy(place = Place.NearMe(point), chooseNeighborhood = false, locating = false)
            } else {
                it.copy(place = if (it.place is Place.NearMe) Place.Anywhere else it.place, chooseNeighborhood = true, locating = false)
            }
        }
        refresh()
    }

    /** "Choose a neighborhood" without asking for location first. */
    fun offerNeighborhoods() {
        _state.update { it.copy(chooseNeighborhood = true) }
    }

    /** A neighborhood chosen from the list (null: anywhere). Replaces "Near me". */
    suspend fun chooseNeighborhood(name: String?) {
        _state.update {
            it.copy(place = name?.let(Place::Neighborhood) ?: Place.Anywhere, chooseNeighborhood = false)
        }
        refresh()
    }

    /** The device's position from elsewhere (e.g. restored state): sorts by distance. */
    suspend fun setPosition(point: GeoPoint?) {
        _state.update { it.copy(place = point?.let(Place::NearMe) ?: Place.Anywhere) }
        refresh()
    }

    suspend fun refresh() {
        val s = _state.value
        try {
            val page = repository.directory(
                directoryFilters(
                    serviceTypes = s.serviceTypes.toList(),
                    languages = s.languages.toList(),
                    neighborhood = s.neighborhood,
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

/** A distance for a list row, in the units the user reads: metres under 1 km, else km to one decimal. */
fun formatDistance(km: Double, metric: Boolean = true): String =
    if (metric) {
        if (km < 1.0) "${(km * 1000).toInt() / 10 * 10} m" else "%.1f km".format(java.util.Locale.ROOT, km)
    } else {
        val miles = km / 1.609344
        if (miles < 0.1) "${(miles * 5280).toInt() / 10 * 10} ft" else "%.1f mi".format(java.util.Locale.ROOT, miles)
    }
