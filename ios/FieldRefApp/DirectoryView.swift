import FieldRefKit
import SwiftUI

struct DirectoryView: View {
    @StateObject var model: DirectoryModel
    @State private var location = DeviceCoarseLocation()
    @Environment(\.locale) private var locale

    init(model: DirectoryModel) { _model = StateObject(wrappedValue: model) }

    var body: some View {
        List {
            ScrollView(.horizontal) {
                HStack {
                    let nearMe: Bool = { if case .nearMe = model.place { return true } else { return false } }()
                    Button(model.locating ? "Finding you…" : "Near me") { Task { await model.nearMe(location) } }
                        .buttonStyle(.bordered).tint(nearMe ? .accentColor : .gray)
                        .disabled(model.locating)
                        .accessibilityValue(nearMe ? Text("on") : Text("off"))
                    Button("Choose a neighborhood") { model.offerNeighborhoods() }
                        .buttonStyle(.bordered)
                }
            }
            if model.chooseNeighborhood {
                Text("Location is off: choose a neighborhood instead.").font(.callout)
            }
            if model.chooseNeighborhood || { if case .neighborhood = model.place { return true } else { return false } }() {
                ScrollView(.horizontal) {
                    HStack {
                        ForEach(model.neighborhoods, id: \.self) { name in
                            let selected = model.place == .neighborhood(name)
                            Button(name) { Task { await model.choose(neighborhood: selected ? nil : name) } }
                                .buttonStyle(.bordered).tint(selected ? .accentColor : .gray)
                                .accessibilityAddTraits(selected ? .isSelected : [])
                        }
                    }
                }
            }
            Toggle("Open now", isOn: $model.openNow)
            ScrollView(.horizontal) {
                HStack {
                    ForEach(model.page?.serviceTypes ?? [], id: \.value) { facet in
                        let selected = model.serviceTypes.contains(facet.value)
                        Button("\(facet.label) \(facet.count)") { model.serviceTypes.formSymmetricDifference([facet.value]) }
                            .buttonStyle(.bordered).tint(selected ? .accentColor : .gray)
                            .accessibilityAddTraits(selected ? .isSelected : [])
                    }
                }
            }
            if let error = model.error { Text(error).foregroundStyle(.red) }
            Text("\(model.page?.total ?? 0) contacts").font(.caption).accessibilityAddTraits(.isHeader)
            ForEach(model.page?.items ?? [], id: \.id) { item in
                NavigationLink(value: item.id) {
                    VStack(alignment: .leading) {
                        Text(item.title).font(.headline)
                        Text([item.contact.open.description, item.contact.phones.first?.number,
                              item.contact.distanceKm.map { formatDistance($0) }]
                            .compactMap { $0 }.joined(separator: " · ")).font(.caption)
                    }
                }
            }
        }
        .navigationTitle("Directory")
        .navigationDestination(for: String.self) { DocumentView(id: $0) }
        .task(id: "\(model.serviceTypes)|\(model.openNow)") { await model.refresh() }
    }

    private func formatDistance(_ km: Double) -> String {
        let measurement = Measurement(value: km, unit: UnitLength.kilometers)
        return measurement.formatted(.measurement(width: .abbreviated, usage: .road).locale(locale))
    }
}
