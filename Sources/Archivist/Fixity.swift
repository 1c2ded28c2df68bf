import DurableIO
import Foundation
import Ledger
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// What a fixity check of the archive found (as Archivematica reports it): packets whose file changed (its
/// SHA-256 is not the one recorded when it was archived, or it no longer verifies), packets missing from the disk,
/// and files in the archive the index does not know.
public struct FixityReport: Sendable, Codable {
    public struct Problem: Sendable, Codable, Equatable {
        public let packetId: String
        public let path: String
        /// `changed`, `invalid`, `sidecar-changed`, `missing`, `missing-sidecar`.
        public let kind: String
        public let detail: String
    }

    public var checked = 0
    public var intact = 0
    public var changed: [Problem] = []
    public var missing: [Problem] = []
    public var untracked: [String] = []
    /// What changed in a closed year against its year manifest (`closed-year-changed`, `closed-year-removed`,
    /// `closed-year-added`, `closed-year-manifest`).
    public var closedYears: [Problem] = []

    public var ok: Bool { changed.isEmpty && missing.isEmpty && untracked.isEmpty && closedYears.isEmpty }

    enum CodingKeys: String, CodingKey { case checked, intact, changed, missing, untracked, closedYears }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        checked = try container.decode(Int.self, forKey: .checked)
        intact = try container.decode(Int.self, forKey: .intact)
        changed = try container.decode([Problem].self, forKey: .changed)
        missing = try container.decode([Problem].self, forKey: .missing)
        untracked = try container.decode([String].self, forKey: .untracked)
        closedYears = try container.decodeIfPresent([Problem].self, forKey: .closedYears) ?? []
    }

    /// `closedYears` only when there is something to say: the JSON readers of earlier releases see what they saw.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checked, forKey: .checked)
        try container.encode(intact, forKey: .intact)
        try container.encode(changed, forKey: .changed)
        try container.encode(missing, forKey: .missing)
        try container.encode(untracked, forKey: .untracked)
        if !closedYears.isEmpty { try container.encode(closedYears, forKey: .closedYears) }
    }
}

extension ArchiveDesk {
    /// Checks `packetIds` (nil: every archived packet, and looks for untracked files too). Each packet file is
    /// hashed and compared with the SHA-256 recorded when it was archived, then verified like an arriving packet
    /// (signature, chain, revocation, registered signer, BagIt and payload hashes), and its sidecar compared with
    /// the signed metadata.json. Each packet's result is recorded in the journal (`verified`). `progress(done,
    /// total)` is called after each packet.
    public func fixity(_ packetIds: [String]? = nil, progress: (Int, Int) -> Void = { _, _ in }) throws -> FixityReport
    {
        let all = try index.archivedPackets()
        var packets = all
        if let packetIds {
            let wanted = Set(packetIds)
            packets = all.filter { wanted.contains($0.packetId) }
            for id in packetIds where !all.contains(where: { $0.packetId == id }) {
                throw ExtractError.unknown(id)
            }
        }
        var report = FixityReport()
        var results: [(packetId: String, result: String, detail: String)] = []
        for (done, packet) in packets.enumerated() {
            defer { progress(done + 1, packets.count) }
            report.checked += 1
            func problem(_ kind: String, _ detail: String, path: String = packet.archivePath) -> FixityReport.Problem {
                .init(packetId: packet.packetId, path: path, kind: kind, detail: detail)
            }
            guard let record = try index.record(packet.packetId) else { continue }
            let path = spool.root + "/" + packet.archivePath
            let sidecarRelative = (packet.archivePath as NSString).deletingPathExtension + ".json"
            do {
                let verified = try verifyArchived(record)
                guard verified.valid else {
                    report.changed.append(
                        problem(
                            "invalid", "\(verified.reason?.code ?? "invalid"): \(verified.reason?.message.en ?? "")"))
                    continue
                }
            } catch let error as ExtractError {
                if case .missing = error {
                    report.missing.append(problem("missing", "the packet file is gone"))
                } else {
                    report.changed.append(problem("changed", error.description))
                }
                continue
            } catch {
                report.changed.append(problem("changed", "unreadable: \(error)"))
                continue
            }
            // The sidecar beside it must be the signed metadata.json, byte for byte: search reads it.
            guard let sidecar = try? Durable.readSmallFile(spool.root + "/" + sidecarRelative, limit: 16 << 20) else {
                report.missing.append(
                    problem("missing-sidecar", "the metadata sidecar beside the packet is gone", path: sidecarRelative))
                continue
            }
            guard let signed = try? ArchivedPacket.read(path).metadataBytes, signed == sidecar else {
                report.changed.append(
                    problem(
                        "sidecar-changed", "the metadata sidecar differs from the packet's signed metadata.json",
                        path: sidecarRelative))
                continue
            }
            report.intact += 1
            results.append((packet.packetId, "valid", ""))
        }
        for problem in report.changed + report.missing {
            results.append((problem.packetId, problem.kind, problem.detail))
        }
        try recordVerifications(results, via: "archive verify")
        let closed = try closedYearProblems()
        report.closedYears = packetIds.map { ids in closed.filter { Set(ids).contains($0.packetId) } } ?? closed
        if packetIds == nil {
            report.untracked = try untracked(
                known: Set(
                    all.flatMap { [$0.archivePath, ($0.archivePath as NSString).deletingPathExtension + ".json"] }))
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
                    try walk(path)
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
