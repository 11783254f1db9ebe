package org.portalder.fieldref.core

import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.StoreRecovery

/**
 * What opening the core at launch produced, for the first screen to show. Opening never crashes
 * the app: a damaged store has already been recovered by the core ([Ready.recovery] says what
 * was kept and lost, shown once); a newer app's data is kept untouched and the user is asked to
 * update; anything else (a full or read-only disk) is shown with its detail and a retry.
 */
sealed interface Startup {
    data class Ready(val repository: FieldRefRepository, val notice: RecoveryNotice?) : Startup

    /** The data directory was written by a newer FieldRef: update the app; nothing was lost. */
    data class NeedsUpdate(val found: Long, val supported: Long) : Startup

    data class Failed(val detail: String) : Startup
}

/** Opens through [open] and sorts the outcome into a [Startup]; never throws a core error. */
suspend fun startup(open: suspend () -> FieldRefRepository): Startup {
    val repository = try {
        open()
    } catch (e: FieldRefException.DataFromNewerApp) {
        return Startup.NeedsUpdate(e.found, e.supported)
    } catch (e: FieldRefException) {
        return Startup.Failed(e.detail)
    }
    val report = try {
        repository.recoveryReport()
    } catch (e: FieldRefException) {
        null
    }
    return Startup.Ready(repository, report?.let(::recoveryNotice))
}

/** One kind of the user's own data in a recovery notice. */
enum class UserData { BOOKMARKS, RECENTS, QUEUED_FEEDBACK, CHECKLIST_STEPS }

/** [kept] items were copied back; [lost] were not (null: could not be counted, some may be lost). */
data class RecoveryLine(val what: UserData, val kept: Long, val lost: Long?)

/**
 * A recovery report as the lines a screen turns into plain words with its own (translated)
 * strings: only the kinds of data the user had or may have had, and whether to suggest enrolling
 * again.
 */
data class RecoveryNotice(
    val lines: List<RecoveryLine>,
    val lostAnything: Boolean,
    val enrollAgain: Boolean,
    /** The damaged file, kept for support. */
    val keptAt: String,
)

fun recoveryNotice(report: StoreRecovery): RecoveryNotice {
    val lines = listOf(
        UserData.BOOKMARKS to report.bookmarks,
        UserData.RECENTS to report.recents,
        UserData.QUEUED_FEEDBACK to report.queued,
        UserData.CHECKLIST_STEPS to report.checklistSteps,
    ).map { (what, count) -> RecoveryLine(what, count.kept.toLong(), count.lost?.toLong()) }
        .filter { it.kept > 0 || it.lost != 0L }
    return RecoveryNotice(lines, report.lostUserData, !report.enrollmentKept, report.movedTo)
}
