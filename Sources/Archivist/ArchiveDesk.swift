import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

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

    /// Decree 30/2020 App. VI: a view or download of a secret document is written to the journal (`accessed`: who,
    /// in which role, which packet and file, how) before the document is shown. Documents without a secrecy level
    /// are not recorded.
    public func recordAccess(
        _ record: ArchiveRecord, user: String, role: String, action: String, file: String?, via: String
    ) throws {
        guard let secrecy = record.hit.secrecy else { return }
        try Journal(path: spool.state + "/journal.jsonl").append(
            .accessed(
                user: user, role: role, packetId: record.hit.packetId, secrecy: secrecy, action: action, via: via,
                file: file))
    }

    /// Records fixity results in the journal (`verified`: packet, result, detail, by which way), one batch, and
    /// brings the index up to date so the packet page shows the last check.
    public func recordVerifications(_ results: [(packetId: String, result: String, detail: String)], via: String) throws
    {
        guard !results.isEmpty else { return }
        let journal = try Journal(path: spool.state + "/journal.jsonl")
        _ = try journal.append(
            results.map { result in
                LedgerEvent.verified(packetId: result.packetId, result: result.result, detail: result.detail, via: via)
            })
        try index.catchUp(with: journal)
    }

    /// The packet file's absolute path.
    public func packetPath(_ record: ArchiveRecord) -> String { spool.root + "/" + record.archivePath }

    /// A verifier with the spool's trust anchors and revocation lists, requiring the signer to be the certificate
    /// registered for the sending agency.
    public func verifier() throws -> PacketVerifier {
        let store = try TrustStore.load(anchorPaths: [spool.trustAnchors], revocationListPaths: [spool.revocationLists])
        let directory = self.directory
        var verifier = PacketVerifier(
            trust: store, revocation: .whenAvailable, senderIdentity: .registered { directory.certificates(for: $0) })
        verifier.localRevocation = { directory.localRevocation($0, $1) }
        return verifier
    }

    /// Why an extraction did not happen.
    public enum ExtractError: Error, CustomStringConvertible {
        case unknown(String)
        case exists(String)
        case invalid(VerificationReport)
        case changed(String, expected: String)
        case missing(String)
        case wrongPacket(String)

        public var description: String {
            switch self {
            case .unknown(let id): "no packet \(id) in the archive index"
            case .exists(let path): "\(path) exists already; choose another folder"
            case .invalid(let report):
                "the packet fails verification [\(report.reason?.code ?? "invalid")]: "
                    + (report.reason?.message.en ?? "invalid")
            case .changed(let actual, let expected):
                "the packet file changed since it was archived (SHA-256 \(actual), archived as \(expected))"
            case .missing(let path): "the packet file \(path) is missing from the archive"
            case .wrongPacket(let found): "the archive file holds another packet (\(found))"
            }
        }

        /// The same in Vietnamese, for pages.
        public var vietnamese: String {
            switch self {
            case .unknown: "Không có văn bản này trong kho."
            case .exists(let path): "Thư mục \(path) đã có."
            case .invalid(let report): report.reason?.message.vi ?? "Gói tin không hợp lệ."
            case .changed: "Tệp gói tin đã bị thay đổi sau khi lưu trữ (mã băm SHA-256 khác với khi lưu)."
            case .missing: "Tệp gói tin không còn trong kho lưu trữ."
            case .wrongPacket: "Tệp trong kho là một gói tin khác, không phải văn bản này."
            }
        }
    }

    /// Verifies the archived packet of `record` as the archive's authenticity needs (Decision 17/2019 Art 4.3): the
    /// file is there, is byte for byte the one archived (the SHA-256 the journal recorded; tar padding included),
    /// holds this packet, and verifies like an arriving packet (signature, chain, revocation, the registered signer,
    /// every hash). Documents stream into `sink` on the way. Throws `ExtractError` for all but signature problems,
    /// which the report gives.
    public func verifyArchived(_ record: ArchiveRecord, sink: (any PayloadSink)? = nil) throws -> VerificationReport {
        let path = packetPath(record)
        guard FileSystem.exists(RawPath(path)) else { throw ExtractError.missing(record.archivePath) }
        if let expected = record.sha256 {
            let actual = try FileDigest.sha256(path).sha256
            guard actual == expected else { throw ExtractError.changed(actual, expected: expected) }
        }
        let report = try verifier().verify(
            try FileDescriptor.openRegularFileForReading(path), displayPath: record.archivePath, sink: sink)
        if report.valid, let found = report.packetId, found != record.hit.packetId {
            throw ExtractError.wrongPacket(found)
        }
        return report
    }

    /// Checks and verifies the packet (`verifyArchived`) while extracting its documents into `<folder>/<packet-id>/`
    /// through a hidden partial folder renamed into place once the whole packet proved valid, with its signed
    /// metadata.json and metadata.json.p7s. Names are checked (no absolute paths, no `..`, no links) before anything
    /// is written; a packet that fails leaves nothing behind.
    public func extract(_ packetId: String, to folder: String) throws -> (report: VerificationReport, path: String) {
        guard let record = try index.record(packetId) else { throw ExtractError.unknown(packetId) }
        let target = folder + "/" + packetId
        if FileSystem.exists(RawPath(target)) { throw ExtractError.exists(target) }
        if !FileSystem.exists(RawPath(folder)) { try Durable.makeDirectories(folder) }
        let partial = folder + "/.\(packetId).partial"
        try FileSystem.removeTree(RawPath(partial))
        try FileSystem.makeDirectory(RawPath(partial), mode: 0o755)
        var done = false
        defer { if !done { try? FileSystem.removeTree(RawPath(partial)) } }
        let report = try verifyArchived(record, sink: FolderPayloadSink(directory: partial))
        guard report.valid else { throw ExtractError.invalid(report) }
        // The metadata as signed, from the packet itself (not the archive's sidecar copy).
        let packet = try ArchivedPacket.read(packetPath(record))
        try Durable.writeUnsynced(at: partial + "/" + PacketLayout.metadataName, bytes: packet.metadataBytes)
        try Durable.writeUnsynced(at: partial + "/" + PacketLayout.signatureName, bytes: packet.signature)
        try Durable.syncAll(
            [partial]
                + ((try? Directory.entries(partial))?.compactMap { $0.name.string.map { partial + "/" + $0 } } ?? []))
        try FileSystem.renameNoReplace(RawPath(partial), RawPath(target))
        done = true
        try Durable.syncDirectory(folder)
        return (report, target)
    }
}
