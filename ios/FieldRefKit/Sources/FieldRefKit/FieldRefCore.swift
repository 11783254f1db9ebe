import Foundation

/// The app's handle on the Rust core with every call off the main actor: each runs on one
/// serial queue of its own (SQLite and index I/O never on the main thread, and never blocking a
/// thread of Swift's cooperative pool), and is awaited. Sync and enrollment use the core's async
/// entry points with `URLSessionTransport`, so no thread waits on the network.
public final class FieldRefCore: @unchecked Sendable {
    public let app: FieldRefApp
    public let config: ShellConfig
    private let queue: DispatchQueue

    private init(app: FieldRefApp, config: ShellConfig, queue: DispatchQueue) {
        self.app = app
        self.config = config
        self.queue = queue
    }

    /// Runs `body` on the core's queue and returns its result to the awaiting task.
    public func call<T>(_ body: @escaping @Sendable (FieldRefApp) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.app) }) }
        }
    }

    /// Opens `dataDir` as `config`'s app, with the index on disk and, if that fails with a storage
    /// error, in memory (devices where memory-mapped files fail). Never on the main thread.
    public static func open(dataDir: String, config: ShellConfig) async throws -> FieldRefCore {
        let queue = DispatchQueue(label: "org.portalder.fieldref.core", qos: .userInitiated)
        let app: FieldRefApp = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result {
                    do {
                        return try FieldRefApp.openWithConfig(dataDir: dataDir, config: config.openConfig(indexInMemory: false))
                    } catch FieldRefError.Storage {
                        return try FieldRefApp.openWithConfig(dataDir: dataDir, config: config.openConfig(indexInMemory: true))
                    }
                })
            }
        }
        return FieldRefCore(app: app, config: config, queue: queue)
    }

    public func search(_ query: String, filters: SearchFilters) async throws -> SearchResults {
        try await call { try $0.search(query: query, filters: filters) }
    }

    public func document(_ id: String, near: GeoPoint? = nil) async throws -> DocumentDetail {
        try await call { try $0.document(id: id, near: near) }
    }

    public func directory(_ filters: DirectoryFilters) async throws -> DirectoryPage {
        try await call { try $0.directory(filters: filters) }
    }

    public func bookmarks() async throws -> [SavedItem] { try await call { try $0.bookmarks() } }

    public func recents(limit: UInt32 = 20) async throws -> [SavedItem] { try await call { try $0.recents(limit: limit) } }

    /// Bookmarks or un-bookmarks; returns whether it is bookmarked afterwards.
    public func toggleBookmark(_ id: String, bookmarked: Bool) async throws -> Bool {
        try await call { (app: FieldRefApp) throws -> Bool in
            if bookmarked { _ = try app.removeBookmark(id: id); return false }
            try app.addBookmark(id: id)
            return true
        }
    }

    public func checklistProgress(_ id: String) async throws -> ChecklistProgress { try await call { try $0.checklistProgress(id: id) } }

    public func markStep(_ id: String, step: StepRef, done: Bool) async throws -> ChecklistProgress {
        try await call { try $0.markStep(id: id, step: step, done: done) }
    }

    public func resetChecklist(_ id: String) async throws -> ChecklistProgress { try await call { try $0.resetChecklist(id: id) } }

    public func reportProblem(_ id: String, reason: FeedbackReason, text: String) async throws -> String {
        try await call { try $0.reportProblem(id: id, reason: reason, text: text) }
    }

    public func contentStatus() async throws -> ContentStatus { try await call { try $0.contentStatus() } }

    public func syncStatus() async throws -> SyncStatus { try await call { try $0.syncStatus() } }

    public func enrollment() async throws -> Enrollment? { try await call { try $0.enrollment() } }

    public func recoveryReport() async throws -> StoreRecovery? { try await call { try $0.recoveryReport() } }

    public func dismissRecoveryReport() async throws { try await call { try $0.dismissRecoveryReport() } }

    /// Checks the build's server for an update and sends queued reports. Throws `InvalidInput`
    /// in a build made without a server (nothing is sent anywhere).
    public func sync() async throws -> SyncReport {
        guard let server = config.server else { throw FieldRefError.InvalidInput(detail: "this build has no update server configured") }
        return try await app.syncAsync(transport: URLSessionTransport(), server: server)
    }

    /// Enrolls this device for officers updates (officers build only; the core refuses otherwise).
    public func enroll(code: String) async throws -> Enrollment {
        guard let server = config.server else { throw FieldRefError.InvalidInput(detail: "this build has no update server configured") }
        return try await app.enrollAsync(transport: URLSessionTransport(), server: server, code: code)
    }
}
