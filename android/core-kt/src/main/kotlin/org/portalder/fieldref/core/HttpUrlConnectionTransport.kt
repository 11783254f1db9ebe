package org.portalder.fieldref.core

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URL
import org.portalder.fieldref.ffi.HttpHeader
import org.portalder.fieldref.ffi.HttpTransport
import org.portalder.fieldref.ffi.TransportFailure
import org.portalder.fieldref.ffi.TransportRequest
import org.portalder.fieldref.ffi.TransportResponse

/**
 * The platform HTTP the core syncs through: `HttpURLConnection` exists on Android and on every
 * JVM, so the same class runs in the app and in the JVM tests. It keeps the core's transport
 * contract: never reads past `maxResponseBytes`, honours `timeoutMs`, returns statuses as responses.
 */
class HttpUrlConnectionTransport : HttpTransport {
    override fun send(request: TransportRequest): TransportResponse {
        val connection = try {
            URL(request.url).openConnection() as HttpURLConnection
        } catch (e: IOException) {
            throw TransportFailure.Network("${request.url}: ${e.message}")
        }
        val timeout = request.timeoutMs.toLong().coerceIn(1, Int.MAX_VALUE.toLong()).toInt()
        val deadline = System.nanoTime() + request.timeoutMs.toLong() * 1_000_000
        try {
            connection.requestMethod = request.method
            connection.connectTimeout = timeout
            connection.readTimeout = timeout
            connection.useCaches = false
            request.headers.forEach { connection.setRequestProperty(it.name, it.value) }
            if (request.method == "POST") {
                connection.doOutput = true
                connection.outputStream.use { it.write(request.body) }
            }
            val status = connection.responseCode
            val headers = connection.headerFields
                .filterKeys { it != null }
                .flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val body = stream?.use { input ->
                val out = ByteArrayOutputStream()
                val buffer = ByteArray(16 * 1024)
                val limit = request.maxResponseBytes.toLong()
                var total = 0L
                while (true) {
                    if (System.nanoTime() > deadline) throw TransportFailure.Timeout()
                    val n = input.read(buffer)
                    if (n < 0) break
                    total += n
                    if (total > limit) throw TransportFailure.TooLarge(request.maxResponseBytes)
                    out.write(buffer, 0, n)
                }
                out.toByteArray()
            } ?: ByteArray(0)
            return TransportResponse(status.toUShort(), headers, body)
        } catch (e: SocketTimeoutException) {
            throw TransportFailure.Timeout()
        } catch (e: IOException) {
            throw TransportFailure.Network("${request.url}: ${e.message}")
        } finally {
            connection.disconnect()
        }
    }
}
