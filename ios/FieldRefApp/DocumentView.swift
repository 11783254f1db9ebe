import FieldRefKit
import SwiftUI

struct DocumentView: View {
    @EnvironmentObject var model: AppModel
    let id: String
    @State private var document: DocumentDetail?
    @State private var error: String?
    @State private var ticked: Set<String> = []

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                if let error { Text(error).foregroundStyle(.red) }
                if let doc = document {
                    Text(doc.title).font(.largeTitle.bold())
                    Text(doc.summary).font(.title3)
                    switch doc.body {
                    case let .checklist(_, sections):
                        ForEach(Array(sections.enumerated()), id: \.offset) { s, section in
                            Text(section.title.uppercased()).font(.headline).padding(.top)
                            ForEach(Array(section.steps.enumerated()), id: \.offset) { i, step in
                                let key = "\(s).\(i)"
                                Button {
                                    if ticked.contains(key) { ticked.remove(key) } else { ticked.insert(key) }
                                } label: {
                                    HStack(alignment: .top) {
                                        Image(systemName: ticked.contains(key) ? "checkmark.square.fill" : "square")
                                        VStack(alignment: .leading) {
                                            Text(step.text).font(.title3)
                                            if let say = step.say { Text("Say: \(say)").foregroundStyle(.tint) }
                                            if let why = step.why { Text("Why: \(why)").font(.callout) }
                                            if let warning = step.warning { Text("⚠ \(warning)").foregroundStyle(.red) }
                                        }
                                    }
                                }
                                .buttonStyle(.plain)
                            }
                        }
                    case let .note(_, _, dos, donts):
                        Text(doc.markdown)
                        ForEach(dos, id: \.self) { Text("✓ \($0)") }
                        ForEach(donts, id: \.self) { Text("✗ \($0)") }
                    case let .contact(contact):
                        ContactCard(contact: contact)
                    }
                    Button(doc.bookmarked ? "Saved" : "Save") {
                        if doc.bookmarked {
                            _ = try? model.core.removeBookmark(id: id)
                        } else {
                            try? model.core.addBookmark(id: id)
                        }
                        document = try? model.core.document(id: id, near: nil)
                    }
                    Button("Report a problem") {
                        _ = try? model.core.queueFeedback(id: id, text: "Reported from the field: information looks out of date")
                    }
                }
            }
            .padding()
        }
        .task {
            do {
                document = try model.core.document(id: id, near: nil)
            } catch {
                self.error = (error as? FieldRefError)?.detail ?? error.localizedDescription
            }
        }
    }
}

struct ContactCard: View {
    let contact: ContactDetail
    @Environment(\.openURL) private var openURL

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(contact.organization).font(.headline)
            Text(contact.open.description)
            ForEach(Array(contact.phones.enumerated()), id: \.offset) { _, phone in
                Button("Call \(phone.number) (\(phone.kind))") {
                    if let url = URL(string: "tel:\(phone.number.filter(\.isNumber))") { openURL(url) }
                }
                .buttonStyle(.borderedProminent)
            }
            if let address = contact.address {
                Button("Open in Maps: \(address)") {
                    var components = URLComponents(string: "http://maps.apple.com/")!
                    components.queryItems = [URLQueryItem(name: "q", value: address)]
                    if let lat = contact.latitude, let lon = contact.longitude {
                        components.queryItems?.append(URLQueryItem(name: "ll", value: "\(lat),\(lon)"))
                    }
                    if let url = components.url { openURL(url) }
                }
            }
            Text("Languages: \(contact.languageNames.joined(separator: ", "))")
            if let hours = contact.hours { Text("Hours: \(hours)") }
        }
    }
}
