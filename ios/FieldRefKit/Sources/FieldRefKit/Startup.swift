import Foundation

/// What opening the core at launch produced (the same outcomes as core-kt's `Startup`): never a
/// crash. A damaged store has already been recovered by the core (the notice says what was kept
/// and lost, shown once); a newer app's data is kept untouched and the user asked to update.
public enum Startup: Sendable {
    case ready(FieldRefCore, RecoveryNotice?)
    case needsUpdate(found: Int64, supported: Int64)
    case failed(String)

    public static func open(dataDir: String, config: ShellConfig) async -> Startup {
        do {
            let core = try await FieldRefCore.open(dataDir: dataDir, config: config)
            let report = try? await core.recoveryReport()
            return .ready(core, report.map { RecoveryNotice($0) })
        } catch let FieldRefError.DataFromNewerApp(found, supported, _) {
            return .needsUpdate(found: found, supported: supported)
        } catch let error as FieldRefError {
            return .failed(error.detail)
        } catch {
            return .failed(error.localizedDescription)
        }
    }
}

/// A recovery report as lines a view turns into words with its own (localized) strings.
public struct RecoveryNotice: Sendable, Equatable {
    public enum UserData: String, Sendable { case bookmarks, recents, queuedFeedback, checklistSteps }

    public struct Line: Sendable, Equatable {
        public let what: UserData
        public let kept: UInt64
        /// nil: could not be counted, some may have been lost.
        public let lost: UInt64?
    }

    public let lines: [Line]
    public let lostAnything: Bool
    public let enrollAgain: Bool
    public let keptAt: String

    public init(_ report: StoreRecovery) {
        let all: [(UserData, SalvageCount)] = [
            (.bookmarks, report.bookmarks), (.recents, report.recents),
            (.queuedFeedback, report.queued), (.checklistSteps, report.checklistSteps),
        ]
        lines = all.map { Line(what: $0.0, kept: $0.1.kept, lost: $0.1.lost) }
            .filter { $0.kept > 0 || $0.lost != 0 }
        lostAnything = report.lostUserData
        enrollAgain = !report.enrollmentKept
        keptAt = report.movedTo
    }
}
