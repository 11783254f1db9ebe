package org.portalder.fieldref.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
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
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.SyncRunner
import org.portalder.fieldref.core.UpdatesViewModel

@Composable
fun UpdatesScreen(repository: FieldRefRepository, runner: suspend () -> SyncRunner) {
    val scope = rememberCoroutineScope()
    val viewModel = remember { UpdatesViewModel(repository) { runner().syncNow() } }
    val state by viewModel.state.collectAsState()
    LaunchedEffect(Unit) { viewModel.refresh() }
    Column(Modifier.padding(16.dp)) {
        state.content?.let {
            Text(it.title, style = MaterialTheme.typography.titleLarge)
            Text("Content version ${it.version} · ${it.checklists} checklists, ${it.notes} notes, ${it.contacts} contacts")
        }
        state.sync?.let { sync ->
            Text("Last verified: ${sync.lastVerifiedAt ?: "never"}")
            sync.daysSinceVerified?.let { days -> if (days > 7) Text("Content may be out of date ($days days)", color = MaterialTheme.colorScheme.error) }
            if (sync.stale) Text("The update server's signature has expired: keeping current content.", color = MaterialTheme.colorScheme.error)
            sync.lastError?.let { Text("Last problem: $it", color = MaterialTheme.colorScheme.error) }
            Text("${sync.outboxPending} reports waiting to send")
        }
        Button(enabled = !state.syncing, onClick = { scope.launch { viewModel.syncNow() } }, modifier = Modifier.padding(top = 12.dp)) {
            Text(if (state.syncing) "Syncing…" else "Sync now")
        }
        state.lastResult?.let { Text(it) }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    }
}
