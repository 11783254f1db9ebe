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
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.portalder.fieldref.core.DirectoryViewModel
import org.portalder.fieldref.core.FieldRefRepository

@Composable
fun DirectoryScreen(repository: FieldRefRepository, onOpen: (String) -> Unit) {
    val scope = rememberCoroutineScope()
    val viewModel = remember { DirectoryViewModel(repository) }
    val state by viewModel.state.collectAsState()
    LaunchedEffect(Unit) { viewModel.refresh() }
    val page = state.page
    Column(Modifier.fillMaxSize().padding(12.dp)) {
        Row(Modifier.horizontalScroll(rememberScrollState())) {
            FilterChip(
                selected = state.openNow,
                onClick = { scope.launch { viewModel.setOpenNow(!state.openNow) } },
                label = { Text("Open now") },
            )
            page?.serviceTypes?.forEach { facet ->
                FilterChip(
                    selected = facet.value in state.serviceTypes,
                    onClick = { scope.launch { viewModel.toggleService(facet.value) } },
                    label = { Text("${facet.label} ${facet.count}") },
                    modifier = Modifier.padding(start = 6.dp),
                )
            }
        }
        Row(Modifier.horizontalScroll(rememberScrollState())) {
            page?.languages?.forEach { facet ->
                FilterChip(
                    selected = facet.value in state.languages,
                    onClick = { scope.launch { viewModel.toggleLanguage(facet.value) } },
                    label = { Text("${facet.label} ${facet.count}") },
                    modifier = Modifier.padding(end = 6.dp),
                )
            }
        }
        Text("${page?.total ?: 0} contacts", style = MaterialTheme.typography.labelLarge)
        LazyColumn {
            items(page?.items.orEmpty(), key = { it.id }) { item ->
                Column(Modifier.fillMaxWidth().clickable { onOpen(item.id) }.padding(vertical = 10.dp)) {
                    Text(item.title, style = MaterialTheme.typography.titleMedium)
                    val meta = listOfNotNull(
                        item.contact.open.description,
                        item.contact.phones.firstOrNull()?.number,
                        item.contact.distanceKm?.let { "%.1f km".format(it) },
                    ).joinToString(" · ")
                    Text(meta, style = MaterialTheme.typography.bodyMedium)
                }
            }
        }
    }
}
