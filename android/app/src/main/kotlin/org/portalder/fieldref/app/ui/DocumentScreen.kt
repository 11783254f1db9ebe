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
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.ContentCopy
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalClipboardManager
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.AnnotatedString
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import kotlinx.coroutines.launch
import org.portalder.fieldref.app.R
import org.portalder.fieldref.core.ChecklistState
import org.portalder.fieldref.core.ReportProblemViewModel
import org.portalder.fieldref.core.dialUri
import org.portalder.fieldref.core.mailUri
import org.portalder.fieldref.core.shareText
import org.portalder.fieldref.core.webUri
import org.portalder.fieldref.ffi.FeedbackReason
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
            is DocumentBody.Contact -> ContactCard(body.contact, doc.title)
        }
        FeedbackButton(repository, doc.id)
    }
}

@Composable
private fun BookmarkButton(repository: FieldRefRepository, doc: DocumentDetail) {
    val scope = rememberCoroutineScope()
    var saved by remember { mutableStateOf(doc.bookmarked) }
    val savedState = stringResource(R.string.saved)
    OutlinedButton(modifier = Modifier.semantics { stateDescription = if (saved) savedState else "" }, onClick = {
        scope.launch {
            // A failed write leaves the button as it was; the store is unchanged.
            saved = try { repository.toggleBookmark(doc.id, saved) } catch (e: FieldRefException) { saved }
        }
    }) {
        Text(stringResource(if (saved) R.string.saved else R.string.save))
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
            val checked = ref in ticked
            val stepLabel = stringResource(R.string.step_label, s + 1, i + 1, step.text)
            val done = stringResource(R.string.step_done)
            val notDone = stringResource(R.string.step_not_done)
            // The whole row is one control for TalkBack: "Step 1.2: …, done", double-tap toggles.
            Row(
                Modifier.padding(vertical = 6.dp)
                    .toggleable(value = checked, role = Role.Checkbox) { scope.launch { runCatching { state.toggle(ref) } } }
                    .semantics(mergeDescendants = true) {
                        contentDescription = stepLabel
                        stateDescription = if (checked) done else notDone
                    },
            ) {
                Checkbox(checked = checked, onCheckedChange = null)
                Column {
                    Text(step.text, fontSize = 20.sp)
                    step.say?.let { Text(stringResource(R.string.step_say, it), fontSize = 18.sp, color = MaterialTheme.colorScheme.primary) }
                    step.why?.let { Text(stringResource(R.string.step_why, it), style = MaterialTheme.typography.bodyMedium) }
                    step.warning?.let { Text("⚠ $it", color = MaterialTheme.colorScheme.error, fontSize = 18.sp) }
                }
            }
        }
    }
    Text(
        stringResource(R.string.steps_progress, progress.done.size, progress.total.toInt()),
        style = MaterialTheme.typography.labelLarge,
        modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite },
    )
    OutlinedButton(onClick = { scope.launch { runCatching { state.reset() } } }) { Text(stringResource(R.string.start_over)) }
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
fun ContactCard(contact: ContactDetail, title: String) {
    val context = LocalContext.current
    val clipboard = LocalClipboardManager.current
    Text(contact.organization, style = MaterialTheme.typography.titleMedium)
    Text(contact.open.description)
    contact.phones.forEach { phone ->
        Row {
            Button(
                onClick = { context.startIfAvailable(Intent(Intent.ACTION_DIAL, Uri.parse(dialUri(phone.number)))) },
                modifier = Modifier.padding(vertical = 4.dp),
            ) { Text(stringResource(R.string.call_number, phone.number, phone.kind + (phone.language?.let { ", $it" } ?: ""))) }
            IconButton(onClick = { clipboard.setText(AnnotatedString(phone.number)) }) {
                Icon(Icons.Filled.ContentCopy, contentDescription = stringResource(R.string.copy_number, phone.number))
            }
        }
    }
    contact.address?.let { address ->
        Row {
            OutlinedButton(onClick = {
                val uri = if (contact.latitude != null && contact.longitude != null) {
                    "geo:${contact.latitude},${contact.longitude}?q=${Uri.encode(address)}"
                } else {
                    "geo:0,0?q=${Uri.encode(address)}"
                }
                context.startIfAvailable(Intent(Intent.ACTION_VIEW, Uri.parse(uri)))
            }) { Text(stringResource(R.string.open_in_maps, address)) }
            IconButton(onClick = { clipboard.setText(AnnotatedString(address)) }) {
                Icon(Icons.Filled.ContentCopy, contentDescription = stringResource(R.string.copy_address, address))
            }
        }
    }
    contact.email?.let(::mailUri)?.let { mail ->
        OutlinedButton(onClick = { context.startIfAvailable(Intent(Intent.ACTION_SENDTO, Uri.parse(mail))) }) {
            Text(stringResource(R.string.send_email, contact.email.orEmpty()))
        }
    }
    contact.url?.let(::webUri)?.let { web ->
        OutlinedButton(onClick = { context.startIfAvailable(Intent(Intent.ACTION_VIEW, Uri.parse(web))) }) {
            Text(stringResource(R.string.open_website, contact.url.orEmpty()))
        }
    }
    val shareLabel = stringResource(R.string.share_contact)
    OutlinedButton(onClick = {
        val send = Intent(Intent.ACTION_SEND).setType("text/plain")
            .putExtra(Intent.EXTRA_TEXT, shareText(title, contact.phones.firstOrNull()?.number, contact.address))
        context.startIfAvailable(Intent.createChooser(send, shareLabel))
    }) { Text(shareLabel) }
    Text(stringResource(R.string.languages, contact.languageNames.joinToString()))
    contact.hours?.let { Text(stringResource(R.string.hours, it)) }
    contact.eligibility?.let { Text(stringResource(R.string.eligibility, it)) }
}

/** Starts a dialer or maps app; a device without one (no telephony, no maps) shows nothing. */
private fun Context.startIfAvailable(intent: Intent) {
    try {
        startActivity(intent)
    } catch (e: ActivityNotFoundException) {
        // Nothing to hand the number or address to: the text stays on screen to copy.
    }
}

/** "Report a problem": a reason, optional words (required for "other"), queued for the next sync. */
@Composable
private fun FeedbackButton(repository: FieldRefRepository, id: String) {
    val scope = rememberCoroutineScope()
    val viewModel = remember(id) { ReportProblemViewModel(repository, id) }
    val state by viewModel.state.collectAsState()
    var open by rememberSaveable { mutableStateOf(false) }
    if (state.queued) {
        Text(stringResource(R.string.report_queued), modifier = Modifier.padding(top = 16.dp).semantics { liveRegion = LiveRegionMode.Polite })
        return
    }
    if (!open) {
        OutlinedButton(onClick = { open = true }, modifier = Modifier.padding(top = 16.dp)) { Text(stringResource(R.string.report_problem)) }
        return
    }
    Text(stringResource(R.string.report_problem), style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 16.dp).semantics { heading() })
    val reasons = listOf(
        FeedbackReason.WRONG_NUMBER to R.string.reason_wrong_number,
        FeedbackReason.CLOSED to R.string.reason_closed,
        FeedbackReason.MOVED to R.string.reason_moved,
        FeedbackReason.OTHER to R.string.reason_other,
    )
    Column(Modifier.selectableGroup()) {
        reasons.forEach { (reason, label) ->
            Row(
                Modifier.selectable(selected = state.reason == reason, role = Role.RadioButton) { viewModel.choose(reason) }
                    .padding(vertical = 4.dp),
            ) {
                RadioButton(selected = state.reason == reason, onClick = null)
                Text(stringResource(label), modifier = Modifier.padding(start = 8.dp))
            }
        }
    }
    OutlinedTextField(
        value = state.text,
        onValueChange = viewModel::edit,
        label = { Text(stringResource(if (state.reason == FeedbackReason.OTHER) R.string.report_words_required else R.string.report_words_optional)) },
        modifier = Modifier.fillMaxWidth(),
    )
    state.error?.let { Text(it, color = MaterialTheme.colorScheme.error) }
    Button(enabled = state.canSend, onClick = { scope.launch { viewModel.send() } }) { Text(stringResource(R.string.report_send)) }
}
