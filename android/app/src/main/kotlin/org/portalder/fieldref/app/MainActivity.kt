package org.portalder.fieldref.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Bookmarks
import androidx.compose.material.icons.filled.Contacts
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Sync
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.TextButton
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import org.portalder.fieldref.app.ui.BookmarksScreen
import org.portalder.fieldref.app.ui.DirectoryScreen
import org.portalder.fieldref.app.ui.DocumentScreen
import org.portalder.fieldref.app.ui.FieldRefTheme
import org.portalder.fieldref.app.ui.SearchScreen
import org.portalder.fieldref.app.ui.UpdatesScreen
import org.portalder.fieldref.core.FieldRefRepository
import org.portalder.fieldref.core.HttpUrlConnectionTransport
import org.portalder.fieldref.core.RecoveryLine
import org.portalder.fieldref.core.RecoveryNotice
import org.portalder.fieldref.core.Startup
import org.portalder.fieldref.core.UserData
import org.portalder.fieldref.core.syncRunner

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as FieldRefApplication
        setContent {
            FieldRefTheme {
                var startup by remember { mutableStateOf<Startup?>(null) }
                LaunchedEffect(Unit) { startup = app.startup() }
                when (val s = startup) {
                    null -> Unit
                    is Startup.Ready -> {
                        FieldRefNavigation(s.repository, app)
                        RecoveryNoticeDialog(s.repository, s.notice, app.config.canEnroll)
                    }
                    is Startup.NeedsUpdate -> StartupProblem(stringResource(R.string.startup_needs_update))
                    is Startup.Failed -> StartupProblem(stringResource(R.string.startup_failed, s.detail))
                }
            }
        }
    }
}

/** Opening failed in a way the app cannot fix itself: say what to do, in plain words. */
@Composable
private fun StartupProblem(text: String) {
    Text(text, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(24.dp).semantics { liveRegion = LiveRegionMode.Polite })
}

/**
 * Shown once after the core recovered a damaged store: what was kept and lost. Dismissing it
 * clears the report in the core, so it does not come back (rememberSaveable keeps it across
 * rotation until then).
 */
@Composable
private fun RecoveryNoticeDialog(repository: FieldRefRepository, notice: RecoveryNotice?, canEnroll: Boolean) {
    var open by rememberSaveable { mutableStateOf(notice != null) }
    val scope = rememberCoroutineScope()
    if (!open || notice == null) return
    val lines = notice.lines.map { recoveryLineText(it) } +
        if (notice.enrollAgain && canEnroll) listOf(stringResource(R.string.recovery_enroll_again)) else emptyList()
    AlertDialog(
        onDismissRequest = {},
        title = { Text(stringResource(R.string.recovery_title)) },
        text = { Text((listOf(stringResource(R.string.recovery_body)) + lines).joinToString("\n")) },
        confirmButton = {
            TextButton(onClick = {
                open = false
                scope.launch { repository.dismissRecoveryReport() }
            }) { Text(stringResource(R.string.ok)) }
        },
    )
}

@Composable
private fun recoveryLineText(line: RecoveryLine): String {
    val what = stringResource(
        when (line.what) {
            UserData.BOOKMARKS -> R.string.recovery_bookmarks
            UserData.RECENTS -> R.string.recovery_recents
            UserData.QUEUED_FEEDBACK -> R.string.recovery_queued
            UserData.CHECKLIST_STEPS -> R.string.recovery_checklist_steps
        },
    )
    return when (val lost = line.lost) {
        null -> stringResource(R.string.recovery_line_unknown, what, line.kept)
        0L -> stringResource(R.string.recovery_line_all_kept, what, line.kept)
        else -> stringResource(R.string.recovery_line_lost, what, line.kept, lost)
    }
}

@Composable
private fun FieldRefNavigation(repository: FieldRefRepository, app: FieldRefApplication) {
    val nav = rememberNavController()
    val current by nav.currentBackStackEntryAsState()
    val tabs = listOf(
        Triple("search", stringResource(R.string.tab_search), Icons.Filled.Search),
        Triple("directory", stringResource(R.string.tab_directory), Icons.Filled.Contacts),
        Triple("bookmarks", stringResource(R.string.tab_saved), Icons.Filled.Bookmarks),
        Triple("updates", stringResource(R.string.tab_updates), Icons.Filled.Sync),
    )
    Scaffold(
        bottomBar = {
            NavigationBar {
                tabs.forEach { (route, label, icon) ->
                    NavigationBarItem(
                        selected = current?.destination?.route == route,
                        onClick = { nav.navigate(route) { launchSingleTop = true } },
                        // The label is the item's name for TalkBack; the icon adds nothing.
                        icon = { Icon(icon, contentDescription = null) },
                        label = { Text(label) },
                    )
                }
            }
        },
    ) { padding ->
        NavHost(nav, startDestination = "search", modifier = Modifier.padding(padding)) {
            val open = { id: String -> nav.navigate("document/$id") }
            composable("search") { SearchScreen(repository, onOpen = open) }
            composable("directory") { DirectoryScreen(repository, onOpen = open) }
            composable("bookmarks") { BookmarksScreen(repository, onOpen = open) }
            composable("updates") {
                UpdatesScreen(repository, app.config.canEnroll) {
                    syncRunner(repository, HttpUrlConnectionTransport(), app.config)
                }
            }
            composable("document/{id}", arguments = listOf(navArgument("id") { type = NavType.StringType })) { entry ->
                DocumentScreen(repository, entry.arguments?.getString("id").orEmpty())
            }
        }
    }
}
