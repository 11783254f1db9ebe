package org.portalder.fieldref.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.ffi.SavedItem

@Composable
fun BookmarksScreen(repository: FieldRefRepository, onOpen: (String) -> Unit) {
    var saved by remember { mutableStateOf<List<SavedItem>>(emptyList()) }
    var recent by remember { mutableStateOf<List<SavedItem>>(emptyList()) }
    LaunchedEffect(Unit) {
        saved = repository.bookmarks()
        recent = repository.recents()
    }
    LazyColumn(Modifier.padding(12.dp)) {
        item { Text("Saved", style = MaterialTheme.typography.titleLarge) }
        items(saved, key = { "saved-" + it.id }) { SavedRow(it, onOpen) }
        item { Text("Recent", style = MaterialTheme.typography.titleLarge, modifier = Modifier.padding(top = 16.dp)) }
        items(recent, key = { "recent-" + it.id }) { SavedRow(it, onOpen) }
    }
}

@Composable
private fun SavedRow(item: SavedItem, onOpen: (String) -> Unit) {
    Text(
        "${item.title}  ·  ${item.kind.name.lowercase()}",
        modifier = Modifier.fillMaxWidth().clickable { onOpen(item.id) }.padding(vertical = 10.dp),
        style = MaterialTheme.typography.bodyLarge,
    )
}
