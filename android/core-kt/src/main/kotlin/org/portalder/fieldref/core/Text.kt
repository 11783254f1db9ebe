package org.portalder.fieldref.core

import org.portalder.fieldref.ffi.FieldRefException
import org.portalder.fieldref.ffi.Snippet

/** A range of a Kotlin string (UTF-16 indices), end exclusive: what `substring` and span styles take. */
data class TextRange(val start: Int, val end: Int)

/**
 * The snippet's highlights as Kotlin string ranges. The core counts characters (Unicode code
 * points); Kotlin strings count UTF-16 units, so the two differ after any emoji or other
 * character outside the Basic Multilingual Plane. Out-of-range or empty highlights are dropped.
 */
fun Snippet.highlightRanges(): List<TextRange> {
    val codePoints = text.codePointCount(0, text.length)
    fun index(offset: UInt): Int = text.offsetByCodePoints(0, offset.toLong().coerceAtMost(codePoints.toLong()).toInt())
    return highlights
        .map { TextRange(index(it.start), index(it.end)) }
        .filter { it.start < it.end }
}

/** The words a snippet highlights, in order: for accessibility labels and tests. */
fun Snippet.highlightedWords(): List<String> = highlightRanges().map { text.substring(it.start, it.end) }

/** The human-readable part of a core error, without the generated `detail=` prefix. */
val FieldRefException.detail: String
    get() = when (this) {
        is FieldRefException.NotFound -> detail
        is FieldRefException.InvalidInput -> detail
        is FieldRefException.Storage -> detail
        is FieldRefException.StorageFull -> detail
        is FieldRefException.ReadOnly -> detail
        is FieldRefException.DataFromNewerApp -> detail
        is FieldRefException.Network -> detail
        is FieldRefException.RetryLater -> detail
        is FieldRefException.Refused -> detail
        is FieldRefException.NotEnrolled -> detail
        is FieldRefException.UpdateRefused -> detail
    }
