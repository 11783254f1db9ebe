import Foundation

/// The core's HTTP transport on iOS: URLSession's async API, with the core's contract — never
/// more than `maxResponseBytes` (reading stops there), give up after `timeoutMs`, statuses (304,
/// 4xx, 5xx) returned as responses. The core awaits it from its own sync thread
/// (`FieldRefApp.syncAsync`), so no thread of the app waits on a semaphore.
public final class URLSessionTransport: AsyncHttpTransport, @unchecked Sendable {
    private let session: URLSession

    public init(session: URLSession = .shared) {
        self.session = session
    }

    public func send(request: TransportRequest) async throws -> TransportResponse {
        guard let url = URL(string: request.url) else {
            throw TransportFailure.Network(detail: "bad URL \(request.url)")
        }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                                    timeoutInterval: TimeInterval(request.timeoutMs) / 1000)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        if request.method == "POST" {
            urlRequest.httpBody = request.body
        }
        do {
            let (bytes, response) = try await session.bytes(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw TransportFailure.Network(detail: "no HTTP response")
            }
            var body = Data()
            for try await byte in bytes {
                if UInt64(body.count) >= request.maxResponseBytes {
                    bytes.task.cancel()
                    throw TransportFailure.TooLarge(limit: request.maxResponseBytes)
                }
                body.append(byte)
            }
            let headers = http.allHeaderFields.map { HttpHeader(name: "\($0.key)", value: "\($0.value)") }
            return TransportResponse(status: UInt16(http.statusCode), headers: headers, body: body)
        } catch let error as URLError {
            throw error.code == .timedOut ? TransportFailure.Timeout : TransportFailure.Network(detail: error.localizedDescription)
        }
    }
}
