package org.portalder.fieldref.app.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

/** Dark by default at night: bright screens in a patrol car at 3 am are a hazard. */
@Composable
fun FieldRefTheme(content: @Composable () -> Unit) {
    val colors = if (isSystemInDarkTheme()) {
        darkColorScheme(primary = Color(0xFF8AB4F8), background = Color(0xFF0B0F14), surface = Color(0xFF121821))
    } else {
        lightColorScheme(primary = Color(0xFF1A4C8B))
    }
    MaterialTheme(colorScheme = colors, content = content)
}
