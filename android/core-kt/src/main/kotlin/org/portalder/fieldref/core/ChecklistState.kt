package org.portalder.fieldref.core

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import org.portalder.fieldref.ffi.ChecklistProgress
import org.portalder.fieldref.ffi.ChecklistSection
import org.portalder.fieldref.ffi.DocumentBody
import org.portalder.fieldref.ffi.DocumentDetail
import org.portalder.fieldref.ffi.StepRef

/** Whether every step is ticked. */
val ChecklistProgress.complete: Boolean get() = total > 0u && done.size.toUInt() == total

/**
 * The steps an officer has ticked on one checklist. The core keeps them in the store (per
 * revision of the checklist), so a rotation, a phone call or the app being killed mid-scene loses
 * nothing; a changed checklist starts fresh.
 */
class ChecklistState(val document: DocumentDetail, private val repository: FieldRefRepository) {
    val sections: List<ChecklistSection> =
        (document.body as? DocumentBody.Checklist)?.sections
            ?: throw IllegalArgumentException("${document.id} is not a checklist")

    private val _progress = MutableStateFlow(
        ChecklistProgress(document.id, 0u, emptyList(), sections.sumOf { it.steps.size }.toUInt(), null),
    )
    val progress: StateFlow<ChecklistProgress> = _progress.asStateFlow()

    val ticked: Set<StepRef> get() = _progress.value.done.toSet()

    /** Reads what was ticked before (call when the screen opens). */
    suspend fun load() {
        _progress.value = repository.checklistProgress(document.id)
    }

    suspend fun toggle(ref: StepRef) {
        require(ref.section.toInt() in sections.indices && ref.step.toInt() in sections[ref.section.toInt()].steps.indices) {
            "no step $ref"
        }
        _progress.value = repository.markStep(document.id, ref, ref !in ticked)
    }

    /** "Start over". */
    suspend fun reset() {
        _progress.value = repository.resetChecklist(document.id)
    }

    /** The first step not yet ticked, to scroll to. */
    fun nextStep(): StepRef? = _progress.value.next
}
