import FieldRefKit
import SwiftUI

struct UpdatesView: View {
    @EnvironmentObject var model: AppModel
    @EnvironmentObject var launch: Launch
    @State private var content: ContentStatus?
    @State private var sync: SyncStatus?
    @State private var message: String?
    @State private var syncing = false
    @State private var enrollment: Enrollment?
    @State private var code = ""

    var body: some View {
        List {
            if let content {
                Text(content.title).font(.headline)
                Text("Content version \(content.version) · \(content.checklists) checklists, \(content.notes) notes, \(content.contacts) contacts")
            }
            if let sync {
                Text("Last verified: \(sync.lastVerifiedAt ?? String(localized: "never"))")
                if let days = sync.daysSinceVerified, days > 7 {
                    Text("Content may be out of date (\(days) days)").foregroundStyle(.red)
                }
                if sync.stale { Text("The update server's signature has expired: keeping current content.").foregroundStyle(.red) }
                if let error = sync.lastError { Text("Last problem: \(error)").foregroundStyle(.red) }
                Text("\(sync.outboxPending) reports waiting to send")
            }
            if let problem = launch.backgroundProblem { Text(problem).foregroundStyle(.red) }
            Button(syncing ? "Syncing…" : "Sync now") {
                Task { await run { let r = try await model.core.sync(); return String(localized: "Updated to version \(r.toVersion)") } }
            }
            .disabled(syncing)
            if model.canEnroll && enrollment == nil {
                Section("Enroll this device") {
                    TextField("Enrollment code from your admin", text: $code)
                        .textInputAutocapitalization(.characters)
                        .autocorrectionDisabled()
                    Button("Enroll this device") {
                        let typed = code
                        Task {
                            await run {
                                let enrolled = try await model.core.enroll(code: typed)
                                let report = try await model.core.sync()
                                return String(localized: "Enrolled as \(enrolled.device): version \(report.toVersion)")
                            }
                        }
                    }
                    .disabled(syncing || code.isEmpty)
                }
            }
            if let enrollment { Text("Enrolled as \(enrollment.device) (\(enrollment.channel))") }
            if let message { Text(message).accessibilityAddTraits(.updatesFrequently) }
        }
        .navigationTitle("Updates")
        .task { await refresh() }
    }

    /// Runs `work` off the main actor (the core's calls are async), shows its outcome or error.
    private func run(_ work: @escaping () async throws -> String) async {
        syncing = true
        do {
            message = try await work()
        } catch {
            message = (error as? FieldRefError)?.detail ?? error.localizedDescription
        }
        syncing = false
        await refresh()
    }

    private func refresh() async {
        content = try? await model.core.contentStatus()
        sync = try? await model.core.syncStatus()
        enrollment = try? await model.core.enrollment()
    }
}
