import BackgroundTasks
import FieldRefKit
import SwiftUI

/// Opens the core once and registers background refresh so content updates when there is a
/// connection.
@main
struct FieldRefMain: App {
    @StateObject private var model = AppModel()
    static let refreshTask = "org.portalder.fieldref.sync"

    init() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: Self.refreshTask, using: nil) { task in
            Self.handleRefresh(task as! BGAppRefreshTask)
        }
    }

    var body: some Scene {
        WindowGroup {
            RootView().environmentObject(model)
                .onAppear { Self.scheduleRefresh() }
        }
    }

    static func scheduleRefresh() {
        let request = BGAppRefreshTaskRequest(identifier: refreshTask)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 6 * 3600)
        try? BGTaskScheduler.shared.submit(request)
    }

    static func handleRefresh(_ task: BGAppRefreshTask) {
        scheduleRefresh()
        let work = Task.detached(priority: .background) {
            let ok = (try? AppModel.shared?.syncNow()) != nil
            task.setTaskCompleted(success: ok)
        }
        task.expirationHandler = { work.cancel() }
    }
}

/// The app's single handle on the core, shared by the screens and background sync.
@MainActor
final class AppModel: ObservableObject {
    nonisolated(unsafe) static var shared: AppModel?
    let core: FieldRefApp
    static let server = "https://updates.port-alder.example"
    /// The build configuration decides the audience (AUDIENCES.md): the `Partner` configuration
    /// sets `FieldRefAudience = public` in Info.plist and links the partners' library
    /// (`AUDIENCE=partner ios/build-xcframework.sh`), which bundles only public content.
    static let viewer: Viewer =
        (Bundle.main.object(forInfoDictionaryKey: "FieldRefAudience") as? String) == "public"
        ? .public : .officer
    static var canEnroll: Bool { viewer == .officer }

    init() {
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("fieldref").path
        // The data dir is the app's own; failing to open it is a programming or device fault.
        core = try! FieldRefApp.open(dataDir: dir, viewer: AppModel.viewer)
        AppModel.shared = self
    }

    nonisolated func enroll(code: String) throws -> Enrollment {
        try core.enroll(transport: URLSessionTransport(), server: AppModel.server, code: code)
    }

    nonisolated func syncNow() throws -> SyncReport {
        try core.sync(transport: URLSessionTransport(), server: AppModel.server)
    }
}

struct RootView: View {
    var body: some View {
        TabView {
            NavigationStack { SearchView() }.tabItem { Label("Search", systemImage: "magnifyingglass") }
            NavigationStack { DirectoryView() }.tabItem { Label("Directory", systemImage: "person.3") }
            NavigationStack { BookmarksView() }.tabItem { Label("Saved", systemImage: "bookmark") }
            NavigationStack { UpdatesView() }.tabItem { Label("Updates", systemImage: "arrow.triangle.2.circlepath") }
        }
    }
}
