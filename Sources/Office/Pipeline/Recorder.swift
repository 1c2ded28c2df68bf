import DurableIO
import Foundation
import Ledger
import Logging
import Packets
import Signing
import Spool

/// Appends to the journal and keeps the index up to date with it. Sendable: the journal serialises appends with a
/// file lock and the index with SQLite.
struct Recorder: Sendable {
    let journal: Journal
    let index: LedgerIndex

    /// Appends events to the journal (one durable batch) and brings the index up to date.
    func record(_ events: [LedgerEvent]) throws {
        guard !events.isEmpty else { return }
        try journal.append(events)
        try index.catchUp(with: journal)
    }

    /// Adds archived packets to the archive catalog (search) at once. The catalog is derived data that archive
    /// commands also bring up to date from the sidecars, so a failure here is logged, not fatal.
    func catalog(_ packets: [PacketMetadata], names: [AgencyCode: String], logger: Logger) {
        do {
            try index.catalog(
                packets, names: Dictionary(uniqueKeysWithValues: names.map { ($0.key.rawValue, $0.value) }))
        } catch {
            logger.warning(
                "archive catalog not updated (archive commands will catch up)", metadata: ["error": "\(error)"])
        }
    }
}

/// Where each agency's deliveries go, and its name, as the roster said when the batch began: delivery reads this
/// copy, not the roster the loop keeps refreshing.
struct Routes: Sendable {
    /// Each agency's inbox.
    let inboxes: [AgencyCode: String]
    /// Agencies whose inbox is a configured path (a mounted share) that must never be created.
    let configured: Set<AgencyCode>
    let names: [AgencyCode: String]
    /// The certificates registered for each agency (its current one and those it used before).
    let certificates: [AgencyCode: [Certificate]]
    /// The spool's trust anchors and revocation lists, against which every arriving packet is verified.
    let trust: TrustStore
    /// Agencies that retired, and who receives what is addressed to them now.
    var successors: [AgencyCode: AgencyCode] = [:]
    /// The agencies as the roster read them (their local revocations).
    var directory = AgencyDirectory(agencies: [:])

    /// Whether a packet addressed to `to` is one `recipient` takes: addressed to it, or to an agency it succeeded.
    func isAddressed(_ to: [AgencyCode], to recipient: AgencyCode) -> Bool {
        to.contains { $0 == recipient || successors[$0] == recipient }
    }
}

/// Moving what the office files away (originals to sent/ or rejected/).
enum Mover {
    /// Moves a file or folder; across file systems (an outbox that is a mount point of its own), by copying.
    static func move(_ source: RawPath, to target: RawPath) throws {
        do {
            try FileSystem.renameNoReplace(source, target)
        } catch let error as FileError where error.code == EXDEV {
            try copyTree(source, to: target)
            try FileSystem.removeTree(source)
        }
    }

    private static func copyTree(_ source: RawPath, to target: RawPath) throws {
        guard let info = FileSystem.status(source) else { return }
        switch Directory.kind(of: info.st_mode) {
        case .directory:
            try FileSystem.makeDirectory(target)
            for entry in try Directory.entries(source.string ?? "") {
                try copyTree(source.appending(entry.name), to: target.appending(entry.name))
            }
        case .file:
            try FileSystem.copyFile(from: source, to: target)
        default:
            // A link or a device node is recreated as an empty marker file: its target is never read.
            try Durable.writeUnsynced(at: target.string ?? "", bytes: [])
        }
    }
}
