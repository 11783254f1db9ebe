package org.portalder.fieldref.core

import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.GeoPoint
import org.portalder.fieldref.ffi.Viewer

/** "Near me" and the neighborhood fallback against the real library's directory. */
class NearMeTest {
    private fun repo() = runBlocking { FieldRefRepository.open(Files.createTempDirectory("fieldref-near").toString(), Viewer.PUBLIC) }

    /** Counts requests, answering [answer]. */
    private class FakeLocation(val answer: GeoPoint?) : CoarseLocation {
        var asked = 0
        override suspend fun request(): GeoPoint? {
            asked++
            return answer
        }
    }

    // Old Harbor, Port Alder (the bundled content's fictional city).
    private val oldHarbor = GeoPoint(44.0080, -92.4600)

    @Test
    fun `location is asked for only on tap, then the list is sorted by distance`(): Unit = runBlocking {
        repo().use { repo ->
            val vm = DirectoryViewModel(repo)
            val location = FakeLocation(oldHarbor)
            vm.refresh()
            assertEquals(0, location.asked, "opening the directory asks for nothing")
            val byTitle = vm.state.value.page!!.items
            assertTrue(byTitle.all { it.contact.distanceKm == null })

            vm.nearMe(location)
            assertEquals(1, location.asked)
            val state = vm.state.value
            assertEquals(Place.NearMe(oldHarbor), state.place)
            val distances = state.page!!.items.mapNotNull { it.contact.distanceKm }
            assertTrue(distances.size > 20, "most contacts have a public location: ${distances.size}")
            assertEquals(distances.sorted(), distances, "nearest first")
            // Contacts without a location the public may see come after every located one.
            val firstUnlocated = state.page!!.items.indexOfFirst { it.contact.distanceKm == null }
            if (firstUnlocated >= 0) assertTrue(state.page!!.items.drop(firstUnlocated).all { it.contact.distanceKm == null })
            assertTrue(distances.first() < 2.0, "something within 2 km of Old Harbor: ${distances.first()}")
        }
    }

    @Test
    fun `denied location falls back to choosing a neighborhood, which filters the list`(): Unit = runBlocking {
        repo().use { repo ->
            val vm = DirectoryViewModel(repo)
            vm.refresh()
            val everything = vm.state.value.page!!.total
            vm.nearMe(FakeLocation(null))
            val denied = vm.state.value
            assertTrue(denied.chooseNeighborhood)
            assertEquals(Place.Anywhere, denied.place)
            assertFalse(denied.locating)
            assertTrue("Old Harbor" in denied.neighborhoods, denied.neighborhoods.toString())

            vm.chooseNeighborhood("Old Harbor")
            val chosen = vm.state.value
            assertFalse(chosen.chooseNeighborhood)
            assertEquals("Old Harbor", chosen.neighborhood)
            val page = chosen.page!!
            assertTrue(page.total in 1uL until everything, "${page.total} of $everything")
            assertTrue(page.items.all { it.contact.neighborhood == "Old Harbor" })

            vm.chooseNeighborhood(null)
            assertEquals(everything, vm.state.value.page!!.total)
        }
    }

    @Test
    fun `a location failure is a refusal, and a later fix replaces the neighborhood`(): Unit = runBlocking {
        repo().use { repo ->
            val vm = DirectoryViewModel(repo)
            vm.nearMe { throw IllegalStateException("no location provider") }
            assertTrue(vm.state.value.chooseNeighborhood)
            vm.chooseNeighborhood("Eastbank")
            vm.nearMe(FakeLocation(oldHarbor))
            assertNull(vm.state.value.neighborhood)
            assertEquals(oldHarbor, vm.state.value.near)
        }
    }

    @Test
    fun `distances read in the user's units`() {
        assertEquals("250 m", formatDistance(0.254))
        assertEquals("3.2 km", formatDistance(3.21))
        assertEquals("2.0 mi", formatDistance(3.21868, metric = false))
        assertEquals("520 ft", formatDistance(0.16, metric = false))
    }
}
