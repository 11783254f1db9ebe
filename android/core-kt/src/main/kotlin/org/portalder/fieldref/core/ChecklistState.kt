package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import org.portalder.fieldref.ffi.ChecklistSection
import org.portalder.fieldref.ffi.DocumentBody
import org.portalder.fieldref.ffi.DocumentDetail

/** A step's place in a checklist. */
data class StepRef(val section: Int, val step: Int)

data class ChecklistProgress(val done: Int, val total: Int) {
    val complete: Boolean get() = total > 0 && done == total
}

/**
 * The steps an officer has ticked on one checklist during a call. Kept in memory only: a
 * checklist is worked through on scene, and starts fresh next time.
 */
class ChecklistState(val document: DocumentDetail) {
    val sections: List<ChecklistSection> =
        (document.body as? DocumentBody.Checklist)?.sections
            ?: throw IllegalArgumentException("${document.id} is not a checklist")

    private val _ticked = MutableStateFlow<Set<StepRef>>(emptySet())
    val ticked: StateFlow<Set<StepRef>> = _ticked.asStateFlow()

    fun toggle(ref: StepRef) {
        require(ref.section in sections.indices && ref.step in sections[ref.section].steps.indices) { "no step $ref" }
        _ticked.update { if (ref in it) it - ref else it + ref }
    }

    fun reset() {
        _ticked.value = emptySet()
    }

    fun progress(): ChecklistProgress =
        ChecklistProgress(_ticked.value.size, sections.sumOf { it.steps.size })

    /** The first step not yet ticked, to scroll to. */
    fun nextStep(): StepRef? =
        sections.indices.asSequence()
            .flatMap { s -> sections[s].steps.indices.asSequence().map { StepRef(s, it) } }
            .firstOrNull { it !in _ticked.value }
}
