package org.portalder.fieldref.app

import android.app.Application
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import org.portalder.fieldref.core.DefaultSyncRunner
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.HttpUrlConnectionTransport
import org.portalder.fieldref.core.SyncRunner
import org.portalder.fieldref.ffi.Viewer

/** Opens the core once per process and schedules background sync for when there is a network. */
class FieldRefApplication : Application() {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main)
    private val opened = CompletableDeferred<FieldRefRepository>()

    suspend fun repository(): FieldRefRepository = opened.await()

    suspend fun syncRunner(): SyncRunner =
        DefaultSyncRunner(repository(), HttpUrlConnectionTransport(), BuildConfig.SYNC_SERVER)

    override fun onCreate() {
        super.onCreate()
        scope.launch {
            // The flavor decides the audience: partners' builds open as the public, and their
            // library could not hold officers content anyway.
            opened.complete(
                FieldRefRepository.open(
                    filesDir.resolve("fieldref").absolutePath,
                    viewer = Viewer.valueOf(BuildConfig.VIEWER),
                ),
            )
        }
        val request = PeriodicWorkRequestBuilder<SyncWorker>(6, TimeUnit.HOURS)
            .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
            .build()
        WorkManager.getInstance(this)
            .enqueueUniquePeriodicWork("fieldref-sync", ExistingPeriodicWorkPolicy.KEEP, request)
    }
}
