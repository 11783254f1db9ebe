import Foundation

/// A build's configuration, from its xcconfig through Info.plist (`ios/Config/*.xcconfig`):
/// `FieldRefAudience` (officers | partner), `FieldRefServerURL`, and the department's trust root
/// as the bundled resource `FieldRefTrustRoot.json`. The viewer follows from the audience alone:
/// the partner configuration has no way to ask for officers content (the core also refuses).
public struct ShellConfig: Sendable, Equatable {
    public enum Audience: String, Sendable { case officers, partner }

    public let audience: Audience
    /// nil in a build made without a server: updates say so instead of syncing.
    public let server: String?
    public let trustRootJson: String?

    public var viewer: Viewer { audience == .officers ? .officer : .public }
    public var canEnroll: Bool { audience == .officers }

    public enum Problem: Error, Equatable {
        /// The named Info.plist key holds a value that cannot be right.
        case invalid(key: String, value: String)
    }

    public init(audience: String, server: String, trustRootJson: String?) throws {
        guard let parsed = Audience(rawValue: audience.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw Problem.invalid(key: "FieldRefAudience", value: audience)
        }
        self.audience = parsed
        let trimmed = server.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("$(") {
            self.server = nil
        } else {
            guard let url = URL(string: trimmed), let host = url.host, !host.isEmpty,
                  url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
            else { throw Problem.invalid(key: "FieldRefServerURL", value: trimmed) }
            self.server = trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
        }
        self.trustRootJson = trustRootJson?.isEmpty == false ? trustRootJson : nil
    }

    /// The running app's configuration.
    public static func fromBundle(_ bundle: Bundle = .main) throws -> ShellConfig {
        let audience = bundle.object(forInfoDictionaryKey: "FieldRefAudience") as? String ?? ""
        let server = bundle.object(forInfoDictionaryKey: "FieldRefServerURL") as? String ?? ""
        let root = bundle.url(forResource: "FieldRefTrustRoot", withExtension: "json")
            .flatMap { try? String(contentsOf: $0, encoding: .utf8) }
        return try ShellConfig(audience: audience, server: server, trustRootJson: root)
    }

    func openConfig(indexInMemory: Bool) -> OpenConfig {
        OpenConfig(viewer: viewer, indexInMemory: indexInMemory, trustRootJson: trustRootJson)
    }
}
