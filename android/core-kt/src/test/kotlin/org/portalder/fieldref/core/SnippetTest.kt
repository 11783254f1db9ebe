package org.portalder.fieldref.core

import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.portalder.fieldref.ffi.Highlight
import org.portalder.fieldref.ffi.Snippet

class SnippetTest {
    @Test
    fun `character offsets become UTF-16 ranges after characters outside the BMP`() {
        // "🚓" is one character (one code point) but two UTF-16 units.
        val snippet = Snippet("🚓 call the crisis line", listOf(Highlight(2u, 6u), Highlight(18u, 22u)))
        assertEquals(listOf("call", "line"), snippet.highlightedWords())
        assertEquals(TextRange(3, 7), snippet.highlightRanges().first())
    }

    @Test
    fun `highlights past the end or empty are dropped, not thrown`() {
        val snippet = Snippet("short", listOf(Highlight(0u, 99u), Highlight(3u, 3u), Highlight(50u, 60u)))
        assertEquals(listOf("short"), snippet.highlightedWords())
    }

    @Test
    fun `highlighted words in real results are whole words, Spanish accents included`(): Unit = runBlocking {
        FieldRefRepository.open(Files.createTempDirectory("fieldref-snippet").toString()).use { repo ->
            for (query in listOf("autsim", "crisis salud mental", "intérprete", "escucha activa")) {
                val hits = repo.search(query).hits
                assertTrue(hits.isNotEmpty(), "$query: no hits")
                for (hit in hits) {
                    for (word in hit.snippet.highlightedWords()) {
                        assertTrue(word.isNotEmpty() && word.all { it.isLetterOrDigit() }, "$query: `$word` in ${hit.snippet.text}")
                    }
                }
            }
        }
    }
}
