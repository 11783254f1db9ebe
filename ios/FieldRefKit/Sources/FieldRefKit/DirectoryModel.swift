import CoreLocation
import Foundation

/// Where the user wants places near (same behaviour as core-kt's DirectoryViewModel).
public enum Place: Equatable, Sendable {
    case anywhere
    case nearMe(GeoPoint)
    case neighborhood(String)
}

/// Coarse location, asked for only when the user taps "Near me". nil when refused or no fix.
public protocol CoarseLocation: Sendable {
    func request() async -> GeoPoint?
}

/// The directory's filters and page. Core calls run through `FieldRefCore` (off the main actor);
/// the published state is updated on the main actor for SwiftUI.
@MainActor
public final class DirectoryModel: ObservableObject {
    @Published public private(set) var place: Place = .anywhere
    @Published public private(set) var chooseNeighborhood = false
    @Published public private(set) var locating = false
    @Published public var openNow = false
    @Published public var serviceTypes: Set<String> = []
    @Published public private(set) var page: DirectoryPage?
    @Published public private(set) var error: String?

    private let core: FieldRefCore

    public init(core: FieldRefCore) { self.core = core }

    public var neighborhoods: [String] { page?.neighborhoods.map(\.value) ?? [] }

    /// "Near me" tapped: only now is location asked for; refused or no fix offers neighborhoods.
    public func nearMe(_ location: CoarseLocation) async {
        guard !locating else { return }
        locating = true
        let point = await location.request()
        locating = false
        if let point {
            place = .nearMe(point)
            chooseNeighborhood = false
        } else {
            if case .nearMe = place { place = .anywhere }
            chooseNeighborhood = true
        }
        await refresh()
    }

    public func offerNeighborhoods() { chooseNeighborhood = true }

    public func choose(neighborhood: String?) async {
        place = neighborhood.map { .neighborhood($0) } ?? .anywhere
        chooseNeighborhood = false
        await refresh()
    }

    public func refresh() async {
        var near: GeoPoint?
        var neighborhood: String?
        switch place {
        case let .nearMe(p): near = p
        case let .neighborhood(n): neighborhood = n
        case .anywhere: break
        }
        let filters = DirectoryFilters(serviceTypes: Array(serviceTypes), languages: [], neighborhood: neighborhood,
                                       openNow: openNow, near: near, radiusKm: nil, limit: nil)
        do {
            page = try await core.directory(filters)
            error = nil
        } catch let e as FieldRefError {
            error = e.detail
        } catch {
            self.error = error.localizedDescription
        }
    }
}

/// CoreLocation with reduced accuracy: When-In-Use asked on first tap, one fix, 15 s at most.
/// Everything but `request()` runs on the main thread (CLLocationManager's delegate thread).
public final class DeviceCoarseLocation: NSObject, CoarseLocation, CLLocationManagerDelegate, @unchecked Sendable {
    private var manager: CLLocationManager?
    private var waiting: CheckedContinuation<GeoPoint?, Never>?

    public override init() { super.init() }

    public func request() async -> GeoPoint? {
        await withCheckedContinuation { continuation in
            DispatchQueue.main.async { self.start(continuation) }
        }
    }

    private func start(_ continuation: CheckedContinuation<GeoPoint?, Never>) {
        guard waiting == nil else { continuation.resume(returning: nil); return }
        waiting = continuation
        let manager = self.manager ?? CLLocationManager()
        if self.manager == nil {
            manager.delegate = self
            manager.desiredAccuracy = kCLLocationAccuracyReduced
            self.manager = manager
        }
        switch manager.authorizationStatus {
        case .notDetermined: manager.requestWhenInUseAuthorization()
        case .authorizedWhenInUse, .authorizedAlways: manager.requestLocation()
        default: finish(nil)
        }
        DispatchQueue.main.asyncAfter(deadline: .now() + 15) { [weak self] in self?.finish(nil) }
    }

    private func finish(_ point: GeoPoint?) {
        waiting?.resume(returning: point)
        waiting = nil
    }

    public func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        guard waiting != nil else { return }
        switch manager.authorizationStatus {
        case .authorizedWhenInUse, .authorizedAlways: manager.requestLocation()
        case .notDetermined: break
        default: finish(nil)
        }
    }

    public func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        finish(locations.last.map { GeoPoint(latitude: $0.coordinate.latitude, longitude: $0.coordinate.longitude) })
    }

    public func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        finish(nil)
    }
}
