package org.portalder.fieldref.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.AssistChip
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.unit.dp
import java.util.Locale
import kotlinx.coroutines.launch
import org.portalder.fieldref.app.R
import org.portalder.fieldref.app.platform.rememberCoarseLocation
import org.portalder.fieldref.core.DirectoryViewModel
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.Place
import org.portalder.fieldref.core.formatDistance

@Composable
fun DirectoryScreen(repository: FieldRefRepository, onOpen: (String) -> Unit) {
    val scope = rememberCoroutineScope()
    val viewModel = remember { DirectoryViewModel(repository) }
    val state by viewModel.state.collectAsState()
    val location = rememberCoarseLocation()
    // The chosen neighborhood and "open now" survive rotation; a position is asked for again.
    var savedNeighborhood by rememberSaveable { mutableStateOf<String?>(null) }
    var savedOpenNow by rememberSaveable { mutableStateOf(false) }
    LaunchedEffect(Unit) {
        if (savedOpenNow) viewModel.setOpenNow(true)
        if (savedNeighborhood != null) viewModel.chooseNeighborhood(savedNeighborhood) else viewModel.refresh()
    }
    val metric = Locale.getDefault().country !in setOf("US", "LR", "MM")
    val page = state.page
    val on = stringResource(R.string.state_on)
    val off = stringResource(R.string.state_off)
    Column(Modifier.fillMaxSize().padding(12.dp)) {
        Row(Modifier.horizontalScroll(rememberScrollState())) {
            val nearMe = state.place is Place.NearMe
            FilterChip(
                selected = nearMe,
                enabled = !state.locating,
                onClick = { scope.launch { viewModel.nearMe(location) } },
                label = { Text(stringResource(if (state.locating) R.string.near_me_locating else R.string.near_me)) },
                modifier = Modifier.semantics { stateDescription = if (nearMe) on else off },
            )
            FilterChip(
                selected = state.openNow,
                onClick = {
                    savedOpenNow = !state.openNow
                    scope.launch { viewModel.setOpenNow(!state.openNow) }
                },
                label = { Text(stringResource(R.string.open_now)) },
                modifier = Modifier.padding(start = 6.dp).semantics { stateDescription = if (state.openNow) on else off },
            )
            page?.serviceTypes?.forEach { facet ->
                val selected = facet.value in state.serviceTypes
                FilterChip(
                    selected = selected,
                    onClick = { scope.launch { viewModel.toggleService(facet.value) } },
                    label = { Text("${facet.label} ${facet.count}") },
                    modifier = Modifier.padding(start = 6.dp).semantics { stateDescription = if (selected) on else off },
                )
            }
        }
        if (state.chooseNeighborhood || state.place is Place.Neighborhood) {
            if (state.chooseNeighborhood) Text(stringResource(R.string.choose_neighborhood), style = MaterialTheme.typography.labelLarge)
            Row(Modifier.horizontalScroll(rememberScrollState())) {
                state.neighborhoods.forEach { name ->
                    val selected = state.neighborhood == name
                    FilterChip(
                        selected = selected,
                        onClick = {
                            savedNeighborhood = if (selected) null else name
                            scope.launch { viewModel.chooseNeighborhood(if (selected) null else name) }
                        },
                        label = { Text(name) },
                        modifier = Modifier.padding(end = 6.dp).semantics { stateDescription = if (selected) on else off },
                    )
                }
            }
        } else {
            AssistChip(
                onClick = { viewModel.offerNeighborhoods() },
                label = { Text(stringResource(R.string.pick_neighborhood)) },
            )
        }
        Row(Modifier.horizontalScroll(rememberScrollState())) {
            page?.languages?.forEach { facet ->
                val selected = facet.value in state.languages
                FilterChip(
                    selected = selected,
                    onClick = { scope.launch { viewModel.toggleLanguage(facet.value) } },
                    label = { Text("${facet.label} ${facet.count}") },
                    modifier = Modifier.padding(end = 6.dp).semantics { stateDescription = if (selected) on else off },
                )
            }
        }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        Text(
            stringResource(R.string.contacts_count, (page?.total ?: 0uL).toLong()),
            style = MaterialTheme.typography.labelLarge,
            modifier = Modifier.semantics { heading() },
        )
        LazyColumn {
            items(page?.items.orEmpty(), key = { it.id }) { item ->
                Column(Modifier.fillMaxWidth().clickable(onClickLabel = stringResource(R.string.open_details)) { onOpen(item.id) }.padding(vertical = 10.dp)) {
                    Text(item.title, style = MaterialTheme.typography.titleMedium)
                    val meta = listOfNotNull(
                        item.contact.open.description,
                        item.contact.phones.firstOrNull()?.number,
                        item.contact.distanceKm?.let { formatDistance(it, metric) },
                    ).joinToString(" · ")
                    Text(meta, style = MaterialTheme.typography.bodyMedium)
                }
            }
        }
    }
}
