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
                        // A contact listed because a matching checklist links it: say so.
                        if let from = hit.linkedFrom {
                            Text("Linked from: \(from.title)").font(.caption)
                        }
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
                results = try await model.core.search(query, filters: filters)
                error = nil
            } catch {
                self.error = (error as? FieldRefError)?.detail ?? error.localizedDescription
            }
        }
    }
}

/// The core gives highlight ranges as character offsets, counting Unicode scalars (Rust `char`s),
/// not Swift `Character`s (grapheme clusters, which differ for combining accents and emoji): so
/// the offsets are walked on the `unicodeScalars` view, whose indices the attributed string shares.
func highlighted(_ snippet: Snippet) -> AttributedString {
    var text = AttributedString(snippet.text)
    let scalars = text.unicodeScalars
    let ranges = snippet.highlights.compactMap { h -> Range<AttributedString.Index>? in
        guard h.start < h.end,
              let lower = scalars.index(scalars.startIndex, offsetBy: Int(h.start), limitedBy: scalars.endIndex),
              let upper = scalars.index(scalars.startIndex, offsetBy: Int(h.end), limitedBy: scalars.endIndex)
        else { return nil }
        return lower..<upper
    }
    for range in ranges {
        text[range].font = .body.bold()
    }
    return text
}
