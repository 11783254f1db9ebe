import FieldRefKit
import SwiftUI
import UIKit

struct DocumentView: View {
    @EnvironmentObject var model: AppModel
    let id: String
    @State private var document: DocumentDetail?
    @State private var error: String?
    /// Ticks live in the core's store (per revision), so they survive the app being killed.
    @State private var progress: ChecklistProgress?

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                if let error { Text(error).foregroundStyle(.red) }
                if let doc = document {
                    Text(doc.title).font(.largeTitle.bold()).accessibilityAddTraits(.isHeader)
                    Text(doc.summary).font(.title3)
                    switch doc.body {
                    case let .checklist(_, sections):
                        checklist(sections)
                    case let .note(_, _, dos, donts):
                        Text(doc.markdown)
                        ForEach(dos, id: \.self) { Text("✓ \($0)").accessibilityLabel(Text("Do: \($0)")) }
                        ForEach(donts, id: \.self) { Text("✗ \($0)").accessibilityLabel(Text("Don't: \($0)")) }
                    case let .contact(contact):
                        ContactCard(title: doc.title, contact: contact)
                    }
                    Button(doc.bookmarked ? "Saved" : "Save") {
                        Task { await toggleBookmark(doc) }
                    }
                    .accessibilityValue(doc.bookmarked ? Text("Saved") : Text("Not saved"))
                    ReportProblemView(id: id)
                }
            }
            .padding()
        }
        .task { await load() }
    }

    @ViewBuilder
    private func checklist(_ sections: [ChecklistSection]) -> some View {
        let done = Set((progress?.done ?? []).map { "\($0.section).\($0.step)" })
        ForEach(Array(sections.enumerated()), id: \.offset) { s, section in
            Text(section.title.uppercased()).font(.headline).padding(.top).accessibilityAddTraits(.isHeader)
            ForEach(Array(section.steps.enumerated()), id: \.offset) { i, step in
                let ticked = done.contains("\(s).\(i)")
                Button {
                    Task { await tick(StepRef(section: UInt32(s), step: UInt32(i)), done: !ticked) }
                } label: {
                    HStack(alignment: .top) {
                        Image(systemName: ticked ? "checkmark.square.fill" : "square").accessibilityHidden(true)
                        VStack(alignment: .leading) {
                            Text(step.text).font(.title3)
                            if let say = step.say { Text("Say: \(say)").foregroundStyle(.tint) }
                            if let why = step.why { Text("Why: \(why)").font(.callout) }
                            if let warning = step.warning { Text("⚠ \(warning)").foregroundStyle(.red) }
                        }
                    }
                }
                .buttonStyle(.plain)
                // VoiceOver: "Step 1.2, <text>, done" and the checked trait, not an icon name.
                .accessibilityElement(children: .combine)
                .accessibilityLabel(Text("Step \(s + 1).\(i + 1): \(step.text)"))
                .accessibilityValue(ticked ? Text("done") : Text("not done"))
                .accessibilityAddTraits(ticked ? [.isButton, .isSelected] : .isButton)
            }
        }
        if let progress {
            Text("\(progress.done.count) of \(progress.total) steps").font(.callout)
            Button("Start over") { Task { self.progress = try? await model.core.resetChecklist(id) } }
        }
    }

    private func load() async {
        do {
            let doc = try await model.core.document(id)
            document = doc
            if case .checklist = doc.body { progress = try await model.core.checklistProgress(id) }
        } catch {
            self.error = (error as? FieldRefError)?.detail ?? error.localizedDescription
        }
    }

    private func tick(_ step: StepRef, done: Bool) async {
        do {
            progress = try await model.core.markStep(id, step: step, done: done)
        } catch {
            self.error = (error as? FieldRefError)?.detail ?? error.localizedDescription
        }
    }

    private func toggleBookmark(_ doc: DocumentDetail) async {
        do {
            _ = try await model.core.toggleBookmark(id, bookmarked: doc.bookmarked)
            document = try await model.core.document(id)
        } catch {
            self.error = (error as? FieldRefError)?.detail ?? error.localizedDescription
        }
    }
}

/// "Report a problem": a reason, words (required for Other), queued for the next sync.
struct ReportProblemView: View {
    @EnvironmentObject var model: AppModel
    let id: String
    @State private var open = false
    @State private var reason: FeedbackReason?
    @State private var text = ""
    @State private var queued = false
    @State private var error: String?

    private var canSend: Bool { reason != nil && (reason != .other || !text.trimmingCharacters(in: .whitespaces).isEmpty) }

    var body: some View {
        if queued {
            Text("Thanks: your report goes with the next sync.")
        } else if !open {
            Button("Report a problem") { open = true }
        } else {
            VStack(alignment: .leading) {
                Text("Report a problem").font(.headline).accessibilityAddTraits(.isHeader)
                Picker("Reason", selection: $reason) {
                    Text("Wrong number").tag(FeedbackReason?.some(.wrongNumber))
                    Text("Closed").tag(FeedbackReason?.some(.closed))
                    Text("Moved").tag(FeedbackReason?.some(.moved))
                    Text("Other").tag(FeedbackReason?.some(.other))
                }
                .pickerStyle(.inline)
                TextField(reason == .other ? "What is wrong? (required)" : "Details (optional)", text: $text, axis: .vertical)
                if let error { Text(error).foregroundStyle(.red) }
                Button("Send with the next sync") {
                    guard let reason else { return }
                    Task {
                        do {
                            _ = try await model.core.reportProblem(id, reason: reason, text: text)
                            queued = true
                        } catch {
                            self.error = (error as? FieldRefError)?.detail ?? error.localizedDescription
                        }
                    }
                }
                .disabled(!canSend)
            }
        }
    }
}

struct ContactCard: View {
    let title: String
    let contact: ContactDetail
    @Environment(\.openURL) private var openURL

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(contact.organization).font(.headline)
            Text(contact.open.description)
            ForEach(Array(contact.phones.enumerated()), id: \.offset) { _, phone in
                HStack {
                    Button("Call \(phone.number) (\(phone.kind))") {
                        if let url = URL(string: "tel:\(phone.number.filter { $0.isNumber || $0 == "+" })") { openURL(url) }
                    }
                    .buttonStyle(.borderedProminent)
                    Button { UIPasteboard.general.string = phone.number } label: { Image(systemName: "doc.on.doc") }
                        .accessibilityLabel(Text("Copy number \(phone.number)"))
                }
            }
            if let address = contact.address {
                HStack {
                    Button("Open in Maps: \(address)") {
                        var components = URLComponents(string: "https://maps.apple.com/")!
                        components.queryItems = [URLQueryItem(name: "q", value: address)]
                        if let lat = contact.latitude, let lon = contact.longitude {
                            components.queryItems?.append(URLQueryItem(name: "ll", value: "\(lat),\(lon)"))
                        }
                        if let url = components.url { openURL(url) }
                    }
                    Button { UIPasteboard.general.string = address } label: { Image(systemName: "doc.on.doc") }
                        .accessibilityLabel(Text("Copy address \(address)"))
                }
            }
            if let email = contact.email, let url = URL(string: "mailto:\(email)"), email.contains("@") {
                Button("Email \(email)") { openURL(url) }
            }
            // Only http(s) from content: never javascript: or file: URLs.
            if let site = contact.url, let url = URL(string: site.hasPrefix("http") ? site : "https://\(site)"),
               url.scheme == "https" || url.scheme == "http" {
                Button("Website: \(site)") { openURL(url) }
            }
            ShareLink(item: [title, contact.phones.first?.number, contact.address].compactMap { $0 }.joined(separator: "\n")) {
                Label("Share contact", systemImage: "square.and.arrow.up")
            }
            Text("Languages: \(contact.languageNames.joined(separator: ", "))")
            if let hours = contact.hours { Text("Hours: \(hours)") }
        }
    }
}
