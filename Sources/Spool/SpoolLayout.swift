import Foundation
import Packets

/// Where everything lives inside a spool folder (DESIGN.md, "Spool layout").
public struct SpoolLayout: Sendable, Equatable {
    /// The spool folder, as an absolute path.
    public let root: String

    /// The spool at `root` (made absolute against the current directory).
    public init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = (absolute as NSString).standardizingPath
    }

    /// The spool a command uses: `--spool`, else `$LIENTHONG_SPOOL`, else `./Spool`.
    public static func resolve(_ option: String?) -> SpoolLayout {
        SpoolLayout(root: option ?? ProcessInfo.processInfo.environment["LIENTHONG_SPOOL"] ?? "Spool")
    }

    /// Joins `relative` to the spool root, or returns it unchanged when it is absolute.
    public func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : root + "/" + relative
    }

    /// `path` relative to the spool root when it is inside it, else as it is (for messages).
    public func relative(_ path: String) -> String {
        path == root ? "." : path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    public var officeConfig: String { path("office.yaml") }
    public var trustAnchors: String { path("trust/ca") }
    public var revocationLists: String { path("trust/crl") }
    public var agencies: String { path("agencies") }
    public var archive: String { path("archive") }
    public var fallback: String { path("fallback") }
    public var state: String { path("state") }
    /// Private keys: inside `state/`, which only the office's own user may enter.
    public var keys: String { path("state/keys") }
    /// The demo CA's private key and certificate (`init --demo` only).
    public var demoAuthority: String { path("state/demo-ca") }

    /// The lock an `inbox move` holds (exclusively) while it copies an agency's inbox; deliveries into the inbox
    /// take it shared, so none lands in the old place once the move has begun.
    public func inboxLock(_ code: AgencyCode) -> String { state + "/locks/inbox-" + code.rawValue + ".lock" }
    /// Where an unfinished `inbox move` keeps what it is doing.
    public func inboxMove(_ code: AgencyCode) -> String { inboxMoves + "/" + code.rawValue + ".json" }
    /// Where unfinished `inbox move`s are kept (`state/moves/`).
    public var inboxMoves: String { state + "/moves" }

    public func agency(_ code: AgencyCode) -> String { agencies + "/" + code.rawValue }
    public func agencyConfig(_ code: AgencyCode) -> String { agency(code) + "/agency.yaml" }
    public func outbox(_ code: AgencyCode) -> String { agency(code) + "/outbox" }
    public func inbox(_ code: AgencyCode) -> String { agency(code) + "/inbox" }
    public func rejected(_ code: AgencyCode) -> String { agency(code) + "/rejected" }
}
