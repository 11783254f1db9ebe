import FieldRefKit
import SwiftUI

struct DirectoryView: View {
    @EnvironmentObject var model: AppModel
    @State private var services: Set<String> = []
    @State private var languages: Set<String> = []
    @State private var openNow = false
    @State private var page: DirectoryPage?

    var body: some View {
        List {
            Toggle("Open now", isOn: $openNow)
            ScrollView(.horizontal) {
                HStack {
                    ForEach(page?.serviceTypes ?? [], id: \.value) { facet in
                        Button("\(facet.label) \(facet.count)") { services.formSymmetricDifference([facet.value]) }
                            .buttonStyle(.bordered).tint(services.contains(facet.value) ? .accentColor : .gray)
                    }
                }
            }
            ScrollView(.horizontal) {
                HStack {
                    ForEach(page?.languages ?? [], id: \.value) { facet in
                        Button("\(facet.label) \(facet.count)") { languages.formSymmetricDifference([facet.value]) }
                            .buttonStyle(.bordered).tint(languages.contains(facet.value) ? .accentColor : .gray)
                    }
                }
            }
            Text("\(page?.total ?? 0) contacts").font(.caption)
            ForEach(page?.items ?? [], id: \.id) { item in
                NavigationLink(value: item.id) {
                    VStack(alignment: .leading) {
                        Text(item.title).font(.headline)
                        Text([item.contact.open.description, item.contact.phones.first?.number]
                            .compactMap { $0 }.joined(separator: " · ")).font(.caption)
                    }
                }
            }
        }
        .navigationTitle("Directory")
        .navigationDestination(for: String.self) { DocumentView(id: $0) }
        .task(id: "\(services)|\(languages)|\(openNow)") {
            let filters = DirectoryFilters(serviceTypes: Array(services), languages: Array(languages), neighborhood: nil,
                                           openNow: openNow, near: nil, radiusKm: nil, limit: nil)
            page = try? model.core.directory(filters: filters)
        }
    }
}
