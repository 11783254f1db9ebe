package org.portalder.fieldref.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import org.portalder.fieldref.app.R
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.AnnotatedString
import androidx.compose.ui.text.SpanStyle
import androidx.compose.ui.text.buildAnnotatedString
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.SearchViewModel
import org.portalder.fieldref.core.highlightRanges
import org.portalder.fieldref.ffi.DocKind
import org.portalder.fieldref.ffi.SearchHit
import org.portalder.fieldref.ffi.Snippet

@Composable
fun SearchScreen(repository: FieldRefRepository, onOpen: (String) -> Unit) {
    val scope = rememberCoroutineScope()
    val viewModel = remember { SearchViewModel(repository, scope) }
    val state by viewModel.state.collectAsState()
    // The query and kind survive rotation and process death; the results are searched again.
    var savedQuery by rememberSaveable { mutableStateOf("") }
    var savedKind by rememberSaveable { mutableStateOf<String?>(null) }
    LaunchedEffect(Unit) {
        savedKind?.let { name -> viewModel.onKindSelected(DocKind.valueOf(name)) }
        if (savedQuery.isNotEmpty()) viewModel.onQueryChanged(savedQuery)
    }
    LaunchedEffect(state.query, state.kind) {
        savedQuery = state.query
        savedKind = state.kind?.name
    }
    Column(Modifier.fillMaxSize().padding(12.dp)) {
        OutlinedTextField(
            value = state.query,
            onValueChange = viewModel::onQueryChanged,
            label = { Text(stringResource(R.string.search_hint)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        Row(Modifier.padding(vertical = 8.dp)) {
            listOf<DocKind?>(null, DocKind.CHECKLIST, DocKind.NOTE, DocKind.CONTACT).forEach { kind ->
                FilterChip(
                    selected = state.kind == kind,
                    onClick = { viewModel.onKindSelected(kind) },
                    label = {
                        Text(
                            stringResource(
                                when (kind) {
                                    null -> R.string.kind_all
                                    DocKind.CHECKLIST -> R.string.kind_checklists
                                    DocKind.NOTE -> R.string.kind_notes
                                    DocKind.CONTACT -> R.string.kind_contacts
                                },
                            ),
                        )
                    },
                    modifier = Modifier.padding(end = 6.dp),
                )
            }
        }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
        LazyColumn {
            items(state.hits, key = { it.id }) { hit -> HitRow(hit) { onOpen(hit.id) } }
        }
    }
}

@Composable
private fun HitRow(hit: SearchHit, onClick: () -> Unit) {
    Column(Modifier.fillMaxWidth().clickable(onClick = onClick).padding(vertical = 10.dp)) {
        Text(hit.title, style = MaterialTheme.typography.titleMedium)
        val meta = listOfNotNull(
            hit.kind.name.lowercase(),
            hit.open?.description,
            hit.distanceKm?.let { "%.1f km".format(it) },
        ).joinToString(" · ")
        Text(meta, style = MaterialTheme.typography.labelMedium)
        // A contact listed because a matching checklist links it: say so.
        hit.linkedFrom?.let { Text("Linked from: ${it.title}", style = MaterialTheme.typography.labelMedium) }
        Text(highlighted(hit.snippet), style = MaterialTheme.typography.bodyMedium)
    }
}

/** The core's highlight ranges (characters, converted to UTF-16 by core-kt), in bold. */
fun highlighted(snippet: Snippet): AnnotatedString = buildAnnotatedString {
    append(snippet.text)
    snippet.highlightRanges().forEach { addStyle(SpanStyle(fontWeight = FontWeight.Bold), it.start, it.end) }
}
