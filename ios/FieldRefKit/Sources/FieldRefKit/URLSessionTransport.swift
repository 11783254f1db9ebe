import Foundation

/// The core's HTTP transport on iOS: URLSession, with the core's contract — never more than
/// `maxResponseBytes`, give up after `timeoutMs`, statuses (304, 4xx, 5xx) returned as responses.
public final class URLSessionTransport: HttpTransport, @unchecked Sendable {
    private let session: URLSession

    public init(session: URLSession = .shared) {
        self.session = session
    }

    public func send(request: TransportRequest) throws -> TransportResponse {
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
        // The core calls this from its own background thread; block it until the task finishes.
        let done = DispatchSemaphore(value: 0)
        var result: Result<TransportResponse, TransportFailure> = .failure(.Timeout)
        let task = session.dataTask(with: urlRequest) { data, response, error in
            defer { done.signal() }
            if let error = error as? URLError {
                result = .failure(error.code == .timedOut ? .Timeout : .Network(detail: error.localizedDescription))
                return
            }
            guard let http = response as? HTTPURLResponse else {
                result = .failure(.Network(detail: "no HTTP response"))
                return
            }
            let body = data ?? Data()
            if UInt64(body.count) > request.maxResponseBytes {
                result = .failure(.TooLarge(limit: request.maxResponseBytes))
                return
            }
            let headers = http.allHeaderFields.map { HttpHeader(name: "\($0.key)", value: "\($0.value)") }
            result = .success(TransportResponse(status: UInt16(http.statusCode), headers: headers, body: body))
        }
        task.resume()
        if done.wait(timeout: .now() + .milliseconds(Int(request.timeoutMs))) == .timedOut {
            task.cancel()
            throw TransportFailure.Timeout
        }
        return try result.get()
    }
}
