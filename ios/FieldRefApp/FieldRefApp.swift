import BackgroundTasks
import FieldRefKit
import SwiftUI
import UIKit

/// The app opens the core at launch, in the app delegate, not in a view: a launch in the
/// background for BGAppRefreshTask has no UI, and must still find the core to sync with.
@main
struct FieldRefMain: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @StateObject private var launch = Launch.shared

    var body: some Scene {
        WindowGroup { LaunchView().environmentObject(launch) }
    }
}

final class AppDelegate: NSObject, UIApplicationDelegate {
    func application(_ application: UIApplication,
                     didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil) -> Bool {
        // Both must happen before launch finishes (BGTaskScheduler requires registration here).
        BackgroundRefresh.register()
        Task { @MainActor in
            Launch.shared.start()
            BackgroundRefresh.schedule()
        }
        return true
    }
}

/// Opens the core once per process and keeps the outcome for the UI and background refresh.
@MainActor
final class Launch: ObservableObject {
    static let shared = Launch()
    @Published private(set) var startup: Startup?
    /// A background-refresh problem to show (submit refused, or the last background sync failed).
    @Published var backgroundProblem: String?
    private var opening: Task<Startup, Never>?

    func start() {
        guard opening == nil else { return }
        let config: ShellConfig
        do {
            config = try ShellConfig.fromBundle()
        } catch {
            let message = String(describing: error)
            startup = .failed(message)
            opening = Task<Startup, Never> { Startup.failed(message) }
            return
        }
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("fieldref").path
        let task = Task { await Startup.open(dataDir: dir, config: config) }
        opening = task
        Task { startup = await task.value }
    }

    /// The core, once open (waits for the launch's open); nil when it could not be opened.
    func core() async -> FieldRefCore? {
        start()
        guard let opening else { return nil }
        if case let .ready(core, _) = await opening.value { return core }
        return nil
    }
}

enum BackgroundRefresh {
    /// Also listed under BGTaskSchedulerPermittedIdentifiers in Info.plist.
    static let identifier = "org.portalder.fieldref.sync"

    static func register() {
        _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            guard let task = task as? BGAppRefreshTask else { return }
            handle(task)
        }
    }

    @MainActor
    static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 6 * 3600)
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            // Visible, not swallowed: the Updates screen says background updates are off.
            Launch.shared.backgroundProblem = String(localized: "Background updates are off: \(error.localizedDescription)")
        }
    }

    private static func handle(_ task: BGAppRefreshTask) {
        let work = Task { @MainActor in
            schedule()
            guard let core = await Launch.shared.core() else {
                task.setTaskCompleted(success: false)
                return
            }
            do {
                _ = try await core.sync()
                task.setTaskCompleted(success: true)
            } catch {
                Launch.shared.backgroundProblem = (error as? FieldRefError)?.detail ?? error.localizedDescription
                task.setTaskCompleted(success: false)
            }
        }
        task.expirationHandler = { work.cancel() }
    }
}

/// The app's handle on the open core, for the screens.
@MainActor
final class AppModel: ObservableObject {
    let core: FieldRefCore
    init(core: FieldRefCore) { self.core = core }
    var canEnroll: Bool { core.config.canEnroll }
}

struct LaunchView: View {
    @EnvironmentObject var launch: Launch

    var body: some View {
        switch launch.startup {
        case nil:
            ProgressView()
        case let .ready(core, notice)?:
            RootView(notice: notice).environmentObject(AppModel(core: core))
        case .needsUpdate?:
            Text("This device's FieldRef data was written by a newer version of the app. Update FieldRef from the App Store: your data is kept and nothing was changed.")
                .padding()
        case let .failed(detail)?:
            Text("FieldRef could not open its data on this device: \(detail). Free some storage space and open the app again.")
                .padding()
        }
    }
}

struct RootView: View {
    @EnvironmentObject var model: AppModel
    @State var notice: RecoveryNotice?

    var body: some View {
        TabView {
            NavigationStack { SearchView() }.tabItem { Label("Search", systemImage: "magnifyingglass") }
            NavigationStack { DirectoryView(model: DirectoryModel(core: model.core)) }.tabItem { Label("Directory", systemImage: "person.3") }
            NavigationStack { BookmarksView() }.tabItem { Label("Saved", systemImage: "bookmark") }
            NavigationStack { UpdatesView() }.tabItem { Label("Updates", systemImage: "arrow.triangle.2.circlepath") }
        }
        .alert("FieldRef repaired its data", isPresented: Binding(get: { notice != nil }, set: { if !$0 { dismissNotice() } })) {
            Button("OK") { dismissNotice() }
        } message: {
            Text(noticeText)
        }
    }

    private var noticeText: String {
        guard let notice else { return "" }
        var lines = [String(localized: "The data on this device was damaged. The built-in guides and directory are back, and the next update brings the latest content.")]
        for line in notice.lines {
            let what: String
            switch line.what {
            case .bookmarks: what = String(localized: "Saved items")
            case .recents: what = String(localized: "Recently viewed")
            case .queuedFeedback: what = String(localized: "Reports waiting to send")
            case .checklistSteps: what = String(localized: "Ticked checklist steps")
            }
            if let lost = line.lost {
                lines.append(lost == 0 ? String(localized: "\(what): all \(line.kept) kept") : String(localized: "\(what): \(line.kept) kept, \(lost) lost"))
            } else {
                lines.append(String(localized: "\(what): \(line.kept) kept, others could not be read"))
            }
        }
        if notice.enrollAgain && model.canEnroll {
            lines.append(String(localized: "You may need to enroll this device again (Updates)."))
        }
        return lines.joined(separator: "\n")
    }

    private func dismissNotice() {
        notice = nil
        let core = model.core
        Task { try? await core.dismissRecoveryReport() }
    }
}
