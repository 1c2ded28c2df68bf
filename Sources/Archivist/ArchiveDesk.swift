#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool

/// The archive as archivists use it: the index brought up to date (journal, then the catalog of archived sidecars),
/// the spool's trust store and registered certificates to verify packets with, and safe extraction.
public struct ArchiveDesk: Sendable {
    public let spool: SpoolLayout
    public let directory: AgencyDirectory
    public let index: LedgerIndex

    /// Opens the spool's index, applies what the journal added since, and catalogues newly archived packets.
    public init(spool: SpoolLayout) throws {
        self.spool = spool
        directory = try AgencyDirectory.load(spool)
        try FileSystem.makeDirectory(RawPath(spool.state), mode: 0o700)
        let journal = try Journal(path: spool.state + "/journal.jsonl")
        index = try LedgerIndex(path: spool.state + "/index.sqlite")
        try index.catchUp(with: journal)
        try index.syncCatalog(spoolRoot: spool.root, names: names)
    }

    /// The agencies' names by code.
    public var names: [String: String] {
        Dictionary(uniqueKeysWithValues: directory.agencies.map { ($0.key.rawValue, $0.value.name) })
    }

    /// Brings the catalog up to date with packets archived since (the daemon may be running).
    public func refresh() throws {
        try index.catchUp(with: try Journal(path: spool.state + "/journal.jsonl"))
        try index.syncCatalog(spoolRoot: spool.root, names: names)
    }

    /// The packet file's absolute path.
    public func packetPath(_ record: ArchiveRecord) -> String { spool.root + "/" + record.archivePath }

    /// A verifier with the spool's trust anchors and revocation lists, requiring the signer to be the certificate
    /// registered for the sending agency.
    public func verifier() throws -> PacketVerifier {
        let store = try TrustStore.load(anchorPaths: [spool.trustAnchors], revocationListPaths: [spool.revocationLists])
        let directory = self.directory
        return PacketVerifier(trust: store, revocation: .whenAvailable, senderIdentity: .registered { directory.certificates(for: $0) })
    }

    /// Why an extraction did not happen.
    public enum ExtractError: Error, CustomStringConvertible {
        case unknown(String)
        case exists(String)
        case invalid(VerificationReport)
        case changed(String, expected: String)

        public var description: String {
            switch self {
            case let .unknown(id): "no packet \(id) in the archive index"
            case let .exists(path): "\(path) exists already; choose another folder"
            case let .invalid(report): "the packet fails verification [\(report.reason?.code ?? "invalid")]: "
                + (report.reason?.message.en ?? "invalid") + " — nothing was extracted"
            case let .changed(actual, expected): "the packet file changed since it was archived (SHA-256 \(actual), archived as \(expected)) — nothing was extracted"
            }
        }
    }

    /// Checks the packet file against the SHA-256 recorded when it was archived, then verifies it while extracting its documents into `<folder>/<packet-id>/` (through a hidden partial
    /// folder renamed into place once the whole packet proved valid), with metadata.json and its signature.
    /// Names are checked (no absolute paths, no `..`, no links) before anything is written; an invalid packet
    /// leaves nothing behind.
    public func extract(_ packetId: String, to folder: String) throws -> (report: VerificationReport, path: String) {
        guard let record = try index.record(packetId) else { throw ExtractError.unknown(packetId) }
        let target = folder + "/" + packetId
        if FileSystem.exists(RawPath(target)) { throw ExtractError.exists(target) }
        if !FileSystem.exists(RawPath(folder)) { try Durable.makeDirectories(folder) }
        let partial = folder + "/.\(packetId).partial"
        try FileSystem.removeTree(RawPath(partial))
        try FileSystem.makeDirectory(RawPath(partial), mode: 0o755)
        // Fixity first: the file must be the one archived, byte for byte (tar padding included).
        if let expected = record.sha256 {
            let actual = try FileDigest.sha256(packetPath(record)).sha256
            guard actual == expected else { throw ExtractError.changed(actual, expected: expected) }
        }
        let report = try verifier().verify(try FileDescriptor.openRegularFileForReading(packetPath(record)), displayPath: record.archivePath,
                                           sink: FolderPayloadSink(directory: partial))
        guard report.valid else {
            try FileSystem.removeTree(RawPath(partial))
            throw ExtractError.invalid(report)
        }
        if let metadata = record.metadata {
            try Durable.writeUnsynced(at: partial + "/" + PacketLayout.metadataName, bytes: Array(metadata.utf8))
        }
        try Durable.syncAll([partial] + ((try? Directory.entries(partial))?.compactMap { $0.name.string.map { partial + "/" + $0 } } ?? []))
        try FileSystem.renameNoReplace(RawPath(partial), RawPath(target))
        try Durable.syncDirectory(folder)
        return (report, target)
    }
}
