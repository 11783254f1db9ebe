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
import androidx.compose.material3.Icon
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
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

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as FieldRefApplication
        setContent {
            FieldRefTheme {
                var repository by remember { mutableStateOf<FieldRefRepository?>(null) }
                LaunchedEffect(Unit) { repository = app.repository() }
                repository?.let { FieldRefNavigation(it, app) }
            }
        }
    }
}

@Composable
private fun FieldRefNavigation(repository: FieldRefRepository, app: FieldRefApplication) {
    val nav = rememberNavController()
    val current by nav.currentBackStackEntryAsState()
    val tabs = listOf(
        Triple("search", "Search", Icons.Filled.Search),
        Triple("directory", "Directory", Icons.Filled.Contacts),
        Triple("bookmarks", "Saved", Icons.Filled.Bookmarks),
        Triple("updates", "Updates", Icons.Filled.Sync),
    )
    Scaffold(
        bottomBar = {
            NavigationBar {
                tabs.forEach { (route, label, icon) ->
                    NavigationBarItem(
                        selected = current?.destination?.route == route,
                        onClick = { nav.navigate(route) { launchSingleTop = true } },
                        icon = { Icon(icon, contentDescription = label) },
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
            composable("updates") { UpdatesScreen(repository) { app.syncRunner() } }
            composable("document/{id}", arguments = listOf(navArgument("id") { type = NavType.StringType })) { entry ->
                DocumentScreen(repository, entry.arguments?.getString("id").orEmpty())
            }
        }
    }
}
