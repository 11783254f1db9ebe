package org.portalder.fieldref.app

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import org.portalder.fieldref.ffi.FieldRefException

/**
 * Runs when WorkManager sees a connection. A refused update is not retried (the device keeps its
 * content and the Updates screen shows why); network trouble is retried with backoff.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as FieldRefApplication
        // No core (a newer app's data, a failed open): nothing to sync until the user acts.
        val runner = app.syncRunner() ?: return Result.failure()
        return try {
            runner.syncNow()
            Result.success()
        } catch (e: FieldRefException.Network) {
            Result.retry()
        } catch (e: FieldRefException) {
            Result.failure()
        }
    }
}
