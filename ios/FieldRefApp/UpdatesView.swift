import FieldRefKit
import SwiftUI

struct UpdatesView: View {
    @EnvironmentObject var model: AppModel
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
                Text("Last verified: \(sync.lastVerifiedAt ?? "never")")
                if let days = sync.daysSinceVerified, days > 7 {
                    Text("Content may be out of date (\(days) days)").foregroundStyle(.red)
                }
                if sync.stale { Text("The update server's signature has expired: keeping current content.").foregroundStyle(.red) }
                if let error = sync.lastError { Text("Last problem: \(error)").foregroundStyle(.red) }
                Text("\(sync.outboxPending) reports waiting to send")
            }
            Button(syncing ? "Syncing…" : "Sync now") {
                syncing = true
                Task.detached {
                    let result: String
                    do {
                        let report = try model.syncNow()
                        result = "\(report.outcome): version \(report.toVersion)"
                    } catch {
                        result = (error as? FieldRefError)?.detail ?? error.localizedDescription
                    }
                    await MainActor.run {
                        message = result
                        syncing = false
                        refresh()
                    }
                }
            }
            .disabled(syncing)
            if AppModel.canEnroll && enrollment == nil {
                Section("Enroll this device") {
                    TextField("Enrollment code from your admin", text: $code)
                        .textInputAutocapitalization(.characters)
                        .autocorrectionDisabled()
                    Button("Enroll this device") {
                        syncing = true
                        let typed = code
                        Task.detached {
                            let result: String
                            do {
                                let enrolled = try model.enroll(code: typed)
                                let report = try model.syncNow()
                                result = "Enrolled as \(enrolled.device): version \(report.toVersion)"
                            } catch {
                                result = (error as? FieldRefError)?.detail ?? error.localizedDescription
                            }
                            await MainActor.run {
                                message = result
                                syncing = false
                                refresh()
                            }
                        }
                    }
                    .disabled(syncing || code.isEmpty)
                }
            }
            if let enrollment { Text("Enrolled as \(enrollment.device) (\(enrollment.channel))") }
            if let message { Text(message) }
        }
        .navigationTitle("Updates")
        .task { refresh() }
    }

    private func refresh() {
        content = try? model.core.contentStatus()
        sync = try? model.core.syncStatus()
        enrollment = try? model.core.enrollment()
    }
}
