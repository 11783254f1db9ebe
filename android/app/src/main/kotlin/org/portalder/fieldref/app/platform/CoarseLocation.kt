package org.portalder.fieldref.app.platform

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.location.LocationManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.platform.LocalContext
import androidx.core.content.ContextCompat
import androidx.core.location.LocationManagerCompat
import androidx.core.os.CancellationSignal
import kotlin.coroutines.resume
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeoutOrNull
import org.portalder.fieldref.core.CoarseLocation
import org.portalder.fieldref.ffi.GeoPoint

/**
 * Coarse location for "Near me": asks for ACCESS_COARSE_LOCATION only when called (the user
 * tapped), then takes one network fix, giving up after 15 s. Null when refused or no fix: the
 * directory then offers the neighborhood list (core-kt's DirectoryViewModel.nearMe).
 */
@Composable
fun rememberCoarseLocation(): CoarseLocation {
    val context = LocalContext.current
    // One holder for the composition's lifetime: the launcher's callback and the remembered
    // CoarseLocation must see the same pending request.
    val pending = remember { arrayOfNulls<CompletableDeferred<Boolean>>(1) }
    val launcher = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        pending[0]?.complete(granted)
    }
    return remember(context) {
        CoarseLocation {
            val granted = hasPermission(context) || CompletableDeferred<Boolean>().also {
                pending[0] = it
                launcher.launch(Manifest.permission.ACCESS_COARSE_LOCATION)
            }.await()
            if (granted) withTimeoutOrNull(15_000) { oneFix(context) } else null
        }
    }
}

private fun hasPermission(context: Context) =
    ContextCompat.checkSelfPermission(context, Manifest.permission.ACCESS_COARSE_LOCATION) == PackageManager.PERMISSION_GRANTED

@Suppress("MissingPermission") // checked by the caller
private suspend fun oneFix(context: Context): GeoPoint? {
    val manager = context.getSystemService(LocationManager::class.java) ?: return null
    if (!manager.isProviderEnabled(LocationManager.NETWORK_PROVIDER)) return null
    return suspendCancellableCoroutine { continuation ->
        val signal = CancellationSignal()
        continuation.invokeOnCancellation { signal.cancel() }
        LocationManagerCompat.getCurrentLocation(
            manager, LocationManager.NETWORK_PROVIDER, signal, ContextCompat.getMainExecutor(context),
        ) { location -> continuation.resume(location?.let { GeoPoint(it.latitude, it.longitude) }) }
    }
}
