#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Ledger
import Packets
import Signing

/// What a fixity check of the archive found (as Archivematica reports it): packets whose file changed (its
/// SHA-256 is not the one recorded when it was archived, or it no longer verifies), packets missing from the disk,
/// and files in the archive the index does not know.
public struct FixityReport: Sendable, Codable {
    public struct Problem: Sendable, Codable, Equatable {
        public let packetId: String
        public let path: String
        /// `changed`, `invalid`, `missing`, `missing-sidecar`.
        public let kind: String
        public let detail: String
    }

    public var checked = 0
    public var intact = 0
    public var changed: [Problem] = []
    public var missing: [Problem] = []
    public var untracked: [String] = []

    public var ok: Bool { changed.isEmpty && missing.isEmpty && untracked.isEmpty }
}

extension ArchiveDesk {
    /// Checks `packetIds` (nil: every archived packet, and looks for untracked files too). Each packet file is
    /// hashed and compared with the SHA-256 recorded when it was archived, then verified like an arriving packet
    /// (signature, chain, revocation, registered signer, BagIt and payload hashes). `progress(done, total)` is
    /// called after each packet.
    public func fixity(_ packetIds: [String]? = nil, progress: (Int, Int) -> Void = { _, _ in }) throws -> FixityReport {
        let all = try index.archivedPackets()
        var packets = all
        if let packetIds {
            let wanted = Set(packetIds)
            packets = all.filter { wanted.contains($0.packetId) }
            for id in packetIds where !all.contains(where: { $0.packetId == id }) {
                throw ExtractError.unknown(id)
            }
        }
        let verifier = try verifier()
        var report = FixityReport()
        for (done, packet) in packets.enumerated() {
            defer { progress(done + 1, packets.count) }
            report.checked += 1
            let path = spool.root + "/" + packet.archivePath
            let sidecar = (path as NSString).deletingPathExtension + ".json"
            guard FileSystem.exists(RawPath(path)) else {
                report.missing.append(.init(packetId: packet.packetId, path: packet.archivePath, kind: "missing", detail: "the packet file is gone"))
                continue
            }
            let digest: (sha256: String, size: Int64)
            do {
                digest = try FileDigest.sha256(path)
            } catch {
                report.changed.append(.init(packetId: packet.packetId, path: packet.archivePath, kind: "changed", detail: "unreadable: \(error)"))
                continue
            }
            if let expected = packet.sha256, expected != digest.sha256 {
                report.changed.append(.init(packetId: packet.packetId, path: packet.archivePath, kind: "changed",
                                            detail: "SHA-256 \(digest.sha256) (\(digest.size) bytes), archived as \(expected)"
                                                + (packet.size.map { " (\($0) bytes)" } ?? "")))
                continue
            }
            let verified = try? verifier.verify(path: path)
            if let verified, !verified.valid {
                report.changed.append(.init(packetId: packet.packetId, path: packet.archivePath, kind: "invalid",
                                            detail: "\(verified.reason?.code ?? "invalid"): \(verified.reason?.message.en ?? "")"))
                continue
            }
            if !FileSystem.exists(RawPath(sidecar)) {
                report.missing.append(.init(packetId: packet.packetId, path: String((sidecar).dropFirst(spool.root.count + 1)),
                                            kind: "missing-sidecar", detail: "the metadata sidecar beside the packet is gone"))
                continue
            }
            report.intact += 1
        }
        if packetIds == nil {
            report.untracked = try untracked(known: Set(all.flatMap { [$0.archivePath, ($0.archivePath as NSString).deletingPathExtension + ".json"] }))
        }
        return report
    }

    /// Files under archive/ that are neither a known packet nor its sidecar (relative to the spool).
    private func untracked(known: Set<String>) throws -> [String] {
        var found: [String] = []
        func walk(_ relative: String) throws {
            for entry in try Directory.entries(spool.root + "/" + relative) {
                guard let name = entry.name.string else {
                    found.append(relative + "/" + String(decoding: entry.name.bytes, as: UTF8.self))
                    continue
                }
                let path = relative + "/" + name
                if entry.kind == .directory {
                    if !name.hasPrefix(".") { try walk(path) }
                } else if !known.contains(path) {
                    found.append(path)
                }
            }
        }
        let archive = String(spool.archive.dropFirst(spool.root.count + 1))
        if FileSystem.exists(RawPath(spool.archive)) { try walk(archive) }
        return found.sorted()
    }
}
