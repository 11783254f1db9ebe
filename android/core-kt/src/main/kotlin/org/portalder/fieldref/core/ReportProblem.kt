package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import org.portalder.fieldref.ffi.FeedbackReason
import org.portalder.fieldref.ffi.FieldRefException

data class ReportState(
    val reason: FeedbackReason? = null,
    val text: String = "",
    val sending: Boolean = false,
    /** Queued: it goes with the next sync (offline is fine). */
    val queued: Boolean = false,
    val error: String? = null,
) {
    /** A reason is chosen, and words are there when the reason is "other" (the core's rule). */
    val canSend: Boolean get() = !sending && reason != null && (reason != FeedbackReason.OTHER || text.isNotBlank())
}

/** "Report a problem" on a document: pick a reason, add words, queue it for the next sync. */
class ReportProblemViewModel(private val repository: FieldRefRepository, private val id: String) {
    private val _state = MutableStateFlow(ReportState())
    val state: StateFlow<ReportState> = _state.asStateFlow()

    fun choose(reason: FeedbackReason) = _state.update { it.copy(reason = reason, error = null) }

    fun edit(text: String) = _state.update { it.copy(text = text, error = null) }

    suspend fun send() {
        val s = _state.value
        val reason = s.reason ?: return
        if (!s.canSend) return
        _state.update { it.copy(sending = true) }
        _state.update {
            try {
                repository.reportProblem(id, reason, s.text)
                ReportState(queued = true)
            } catch (e: FieldRefException) {
                it.copy(sending = false, error = e.detail)
            }
        }
    }
}

/** A phone number as the dialer wants it (`tel:` URI): digits and a leading +, extensions as `,`. */
fun dialUri(number: String): String {
    val extension = Regex("""(?:ext\.?|x)\s*(\d+)\s*$""", RegexOption.IGNORE_CASE).find(number)
    val main = extension?.let { number.substring(0, it.range.first) } ?: number
    val digits = main.filter { it.isDigit() || it == '+' }
    return "tel:" + digits + (extension?.let { "," + it.groupValues[1] } ?: "")
}

/** A `mailto:` URI, or null for something that is not an address. */
fun mailUri(email: String): String? = email.trim().takeIf { Regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$").matches(it) }?.let { "mailto:$it" }

/** A website to open: http(s) only (never `javascript:` or `file:` from content), https added when bare. */
fun webUri(url: String): String? {
    val u = url.trim()
    if (u.isEmpty() || u.any(Char::isWhitespace)) return null
    return when {
        u.startsWith("https://", ignoreCase = true) || u.startsWith("http://", ignoreCase = true) -> u
        "://" in u || u.startsWith("javascript:", ignoreCase = true) -> null
        else -> "https://$u"
    }
}

/** What "Copy" or "Share" puts on the clipboard or in the share sheet for a contact. */
fun shareText(title: String, number: String?, address: String?): String =
    listOfNotNull(title, number, address).joinToString("\n")
