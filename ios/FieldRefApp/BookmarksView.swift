import FieldRefKit
import SwiftUI

struct BookmarksView: View {
    @EnvironmentObject var model: AppModel
    @State private var saved: [SavedItem] = []
    @State private var recent: [SavedItem] = []

    var body: some View {
        List {
            Section("Saved") { ForEach(saved, id: \.id) { row($0) } }
            Section("Recent") { ForEach(recent, id: \.id) { row($0) } }
        }
        .navigationTitle("Saved")
        .navigationDestination(for: String.self) { DocumentView(id: $0) }
        .task {
            saved = (try? await model.core.bookmarks()) ?? []
            recent = (try? await model.core.recents(limit: 20)) ?? []
        }
    }

    private func row(_ item: SavedItem) -> some View {
        NavigationLink(value: item.id) { Text(item.title) }
    }
}
