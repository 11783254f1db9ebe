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
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.HttpUrlConnectionTransport
import org.portalder.fieldref.core.ShellConfig
import org.portalder.fieldref.core.Startup
import org.portalder.fieldref.core.SyncRunner

/**
 * Opens the core once per process and schedules background sync for when there is a network.
 * Opening never crashes the app: [startup] sorts the outcome (ready, with a recovery notice to
 * show once; a newer app's data; a failure with its detail) for the first screen.
 */
class FieldRefApplication : Application() {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main)
    private val started = CompletableDeferred<Startup>()

    /** The build's flavor, server and trust root (gradle properties, see app/build.gradle.kts). */
    val config: ShellConfig by lazy {
        ShellConfig.fromBuild(BuildConfig.FLAVOR, BuildConfig.SYNC_SERVER, BuildConfig.TRUST_ROOT_JSON)
    }

    suspend fun startup(): Startup = started.await()

    /** The repository, for the sync worker: null when the core could not be opened. */
    suspend fun repository(): FieldRefRepository? = (startup() as? Startup.Ready)?.repository

    suspend fun syncRunner(): SyncRunner? =
        repository()?.let { org.portalder.fieldref.core.syncRunner(it, HttpUrlConnectionTransport(), config) }

    override fun onCreate() {
        super.onCreate()
        scope.launch {
            started.complete(
                org.portalder.fieldref.core.startup {
                    FieldRefRepository.openResilient(filesDir.resolve("fieldref").absolutePath, config)
                },
            )
        }
        val request = PeriodicWorkRequestBuilder<SyncWorker>(6, TimeUnit.HOURS)
            .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
            .build()
        WorkManager.getInstance(this)
            .enqueueUniquePeriodicWork("fieldref-sync", ExistingPeriodicWorkPolicy.KEEP, request)
    }
}
