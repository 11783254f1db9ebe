import FieldRefKit
import SwiftUI

struct SearchView: View {
    @EnvironmentObject var model: AppModel
    @State private var query = ""
    @State private var kind: DocKind? = nil
    @State private var results: SearchResults?
    @State private var error: String?

    var body: some View {
        List {
            Picker("Kind", selection: $kind) {
                Text("All").tag(DocKind?.none)
                Text("Checklists").tag(DocKind?.some(.checklist))
                Text("Notes").tag(DocKind?.some(.note))
                Text("Contacts").tag(DocKind?.some(.contact))
            }
            .pickerStyle(.segmented)
            if let error { Text(error).foregroundStyle(.red) }
            ForEach(results?.hits ?? [], id: \.id) { hit in
                NavigationLink(value: hit.id) {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(hit.title).font(.headline)
                        Text([hit.open?.description, hit.distanceKm.map { String(format: "%.1f km", $0) }]
                            .compactMap { $0 }.joined(separator: " · "))
                            .font(.caption)
                        Text(highlighted(hit.snippet)).font(.body)
                    }
                }
            }
        }
        .navigationTitle("FieldRef")
        .navigationDestination(for: String.self) { DocumentView(id: $0) }
        .searchable(text: $query, prompt: "Checklists, notes, contacts")
        // Search as you type: the task restarts on every keystroke, after a short pause.
        .task(id: "\(query)|\(String(describing: kind))") {
            try? await Task.sleep(nanoseconds: 120_000_000)
            guard !Task.isCancelled else { return }
            let filters = SearchFilters(kinds: kind.map { [$0] } ?? [], categories: [], serviceTypes: [],
                                        languages: [], openNow: false, near: nil, radiusKm: nil, limit: 25)
            do {
                results = try model.core.search(query: query, filters: filters)
                error = nil
            } catch {
                self.error = error.localizedDescription
            }
        }
    }
}

/// The core gives highlight ranges as character offsets: bold them natively.
func highlighted(_ snippet: Snippet) -> AttributedString {
    var text = AttributedString(snippet.text)
    let characters = Array(snippet.text)
    for h in snippet.highlights {
        let start = min(Int(h.start), characters.count), end = min(Int(h.end), characters.count)
        guard start < end,
              let lower = text.characters.index(text.startIndex, offsetBy: start, limitedBy: text.endIndex),
              let upper = text.characters.index(text.startIndex, offsetBy: end, limitedBy: text.endIndex)
        else { continue }
        text[lower..<upper].font = .body.bold()
    }
    return text
}
