package org.portalder.fieldref.app.ui

import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.net.Uri
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import kotlinx.coroutines.launch
import org.portalder.fieldref.core.ChecklistState
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.ffi.StepRef
import org.portalder.fieldref.core.detail
import org.portalder.fieldref.ffi.ContactDetail
import org.portalder.fieldref.ffi.DocumentBody
import org.portalder.fieldref.ffi.DocumentDetail
import org.portalder.fieldref.ffi.FieldRefException

@Composable
fun DocumentScreen(repository: FieldRefRepository, id: String) {
    var document by remember { mutableStateOf<DocumentDetail?>(null) }
    var error by remember { mutableStateOf<String?>(null) }
    LaunchedEffect(id) {
        try {
            document = repository.document(id)
        } catch (e: FieldRefException) {
            error = e.detail
        }
    }
    error?.let { Text(it, Modifier.padding(16.dp)); return }
    val doc = document ?: return
    Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp)) {
        Text(doc.title, style = MaterialTheme.typography.headlineSmall)
        Text(doc.summary, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(vertical = 8.dp))
        BookmarkButton(repository, doc)
        when (val body = doc.body) {
            is DocumentBody.Checklist -> ChecklistSteps(remember(doc.id) { ChecklistState(doc, repository) })
            is DocumentBody.Note -> NoteBody(doc.markdown, body.dos, body.donts)
            is DocumentBody.Contact -> ContactCard(body.contact)
        }
        FeedbackButton(repository, doc.id)
    }
}

@Composable
private fun BookmarkButton(repository: FieldRefRepository, doc: DocumentDetail) {
    val scope = rememberCoroutineScope()
    var saved by remember { mutableStateOf(doc.bookmarked) }
    OutlinedButton(onClick = {
        scope.launch {
            // A failed write leaves the button as it was; the store is unchanged.
            saved = try { repository.toggleBookmark(doc.id, saved) } catch (e: FieldRefException) { saved }
        }
    }) {
        Text(if (saved) "Saved" else "Save")
    }
}

/** Big, tickable steps: read at arm's length, in the dark, with gloves. */
@Composable
private fun ChecklistSteps(state: ChecklistState) {
    val scope = rememberCoroutineScope()
    val progress by state.progress.collectAsState()
    val ticked = progress.done.toSet()
    // Ticks live in the core's store, so they survive rotation and process death.
    LaunchedEffect(state.document.id) { runCatching { state.load() } }
    state.sections.forEachIndexed { s, section ->
        Text(section.title.uppercase(), style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 16.dp))
        section.steps.forEachIndexed { i, step ->
            val ref = StepRef(s.toUInt(), i.toUInt())
            Row(Modifier.padding(vertical = 6.dp)) {
                Checkbox(
                    checked = ref in ticked,
                    onCheckedChange = { scope.launch { runCatching { state.toggle(ref) } } },
                )
                Column {
                    Text(step.text, fontSize = 20.sp)
                    step.say?.let { Text("Say: $it", fontSize = 18.sp, color = MaterialTheme.colorScheme.primary) }
                    step.why?.let { Text("Why: $it", style = MaterialTheme.typography.bodyMedium) }
                    step.warning?.let { Text("⚠ $it", color = MaterialTheme.colorScheme.error, fontSize = 18.sp) }
                }
            }
        }
    }
    Text("${progress.done.size} of ${progress.total} steps", style = MaterialTheme.typography.labelLarge)
    OutlinedButton(onClick = { scope.launch { runCatching { state.reset() } } }) { Text("Start over") }
}

@Composable
private fun NoteBody(markdown: String, dos: List<String>, donts: List<String>) {
    Text(markdown, style = MaterialTheme.typography.bodyLarge)
    if (dos.isNotEmpty()) Text("Do", style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 12.dp))
    dos.forEach { Text("✓ $it") }
    if (donts.isNotEmpty()) Text("Don't", style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 12.dp))
    donts.forEach { Text("✗ $it") }
}

@Composable
fun ContactCard(contact: ContactDetail) {
    val context = LocalContext.current
    Text(contact.organization, style = MaterialTheme.typography.titleMedium)
    Text(contact.open.description)
    contact.phones.forEach { phone ->
        Button(
            onClick = { context.startIfAvailable(Intent(Intent.ACTION_DIAL, Uri.parse("tel:${phone.number}"))) },
            modifier = Modifier.padding(vertical = 4.dp),
        ) { Text("Call ${phone.number} (${phone.kind}${phone.language?.let { ", $it" } ?: ""})") }
    }
    contact.address?.let { address ->
        OutlinedButton(onClick = {
            val uri = if (contact.latitude != null && contact.longitude != null) {
                "geo:${contact.latitude},${contact.longitude}?q=${Uri.encode(address)}"
            } else {
                "geo:0,0?q=${Uri.encode(address)}"
            }
            context.startIfAvailable(Intent(Intent.ACTION_VIEW, Uri.parse(uri)))
        }) { Text("Open in maps: $address") }
    }
    Text("Languages: ${contact.languageNames.joinToString()}")
    contact.hours?.let { Text("Hours: $it") }
    contact.eligibility?.let { Text("Eligibility: $it") }
}

/** Starts a dialer or maps app; a device without one (no telephony, no maps) shows nothing. */
private fun Context.startIfAvailable(intent: Intent) {
    try {
        startActivity(intent)
    } catch (e: ActivityNotFoundException) {
        // Nothing to hand the number or address to: the text stays on screen to copy.
    }
}

@Composable
private fun FeedbackButton(repository: FieldRefRepository, id: String) {
    val scope = rememberCoroutineScope()
    var sent by remember { mutableStateOf(false) }
    OutlinedButton(
        enabled = !sent,
        onClick = {
            scope.launch {
                sent = try {
                    repository.queueFeedback(id, "Reported from the field: information looks out of date")
                    true
                } catch (e: FieldRefException) {
                    false
                }
            }
        },
        modifier = Modifier.padding(top = 16.dp),
    ) { Text(if (sent) "Thanks: sent with the next sync" else "Report a problem") }
}
