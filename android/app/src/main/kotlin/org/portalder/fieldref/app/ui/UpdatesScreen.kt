package org.portalder.fieldref.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.SyncRunner
import org.portalder.fieldref.core.UpdatesViewModel

@Composable
fun UpdatesScreen(repository: FieldRefRepository, canEnroll: Boolean, runner: suspend () -> SyncRunner) {
    val scope = rememberCoroutineScope()
    val viewModel = remember {
        UpdatesViewModel(
            repository,
            enroller = if (canEnroll) { code -> runner().enroll(code) } else null,
            runner = { runner().syncNow() },
        )
    }
    var code by rememberSaveable { mutableStateOf("") }
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
        if (viewModel.canEnroll && state.enrollment == null) {
            Text(
                if (state.needsEnrollment) "This device needs enrolling to receive officers updates." else "Enroll this device",
                style = MaterialTheme.typography.titleMedium,
                modifier = Modifier.padding(top = 16.dp),
            )
            OutlinedTextField(value = code, onValueChange = { code = it }, label = { Text("Enrollment code from your admin") })
            Button(enabled = !state.syncing && code.isNotBlank(), onClick = { scope.launch { viewModel.enroll(code) } }) {
                Text("Enroll this device")
            }
        }
        state.enrollment?.let { Text("Enrolled as ${it.device} (${it.channel})") }
        state.lastResult?.let { Text(it) }
        state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    }
}
