import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool

/// The year manifest `lienthong year close` writes (`years/YYYY/manifest.json`, or `years/YYYY/<code>/` for one
/// agency): every packet of the year with the SHA-256 of its archive file and sidecar, its deliveries, numbers and
/// statuses, and the files of the final registers; signed beside it (`manifest.json.p7s`, detached CMS) and its
/// SHA-256 chained into the journal by the `year.close` record. From then on `archive verify` holds the year to it.
public struct YearManifest: Sendable {
    /// The `format` member.
    public static let format = "lienthong-year-manifest/1"

    /// One archived file pair the manifest fixes.
    public struct Entry: Sendable, Equatable {
        public let packetId: String
        /// Spool-relative paths and their SHA-256.
        public let archive: String
        public let sha256: String
        public let sidecar: String
        public let sidecarSha256: String

        public init(packetId: String, archive: String, sha256: String, sidecar: String, sidecarSha256: String) {
            self.packetId = packetId
            self.archive = archive
            self.sha256 = sha256
            self.sidecar = sidecar
            self.sidecarSha256 = sidecarSha256
        }
    }

    public let year: Int
    /// Closed for the whole office (and `archive/YYYY/` with it), or for `agencies` only.
    public let office: Bool
    public let agencies: [String]
    public let entries: [Entry]
    /// The manifest as written.
    public let value: JSONValue

    /// The folder a close writes into: `years/YYYY` (the whole office) or `years/YYYY/<code>` (one agency).
    public static func folder(year: Int, agency: String?, in spool: SpoolLayout) -> String {
        spool.path("years/" + String(format: "%04d", year) + (agency.map { "/" + $0 } ?? ""))
    }

    /// Reads a manifest.
    public init(bytes: [UInt8]) throws {
        let value = try JSONParser().parse(bytes)
        guard value["format"]?.stringValue == Self.format, let year = value["year"]?.integerValue,
            let packets = value["packets"]?.arrayValue
        else { throw YearManifestError("not a \(Self.format) document") }
        self.value = value
        self.year = Int(year)
        self.office = value["office"]?.boolValue ?? false
        self.agencies = (value["agencies"]?.arrayValue ?? []).compactMap(\.stringValue)
        self.entries = try packets.map { packet in
            guard let id = packet["packetId"]?.stringValue, let archive = packet["archive"]?.stringValue,
                let sha256 = packet["sha256"]?.stringValue, let sidecar = packet["sidecar"]?.stringValue,
                let sidecarSha256 = packet["sidecarSha256"]?.stringValue
            else { throw YearManifestError("a packet entry without its paths and hashes") }
            return Entry(
                packetId: id, archive: archive, sha256: sha256, sidecar: sidecar, sidecarSha256: sidecarSha256)
        }
    }

    /// The manifest's JSON for `packets` (their files hashed by the caller, in `hashes` by packet id).
    public static func make(
        year: Int, office: Bool, agencies: [String], closedAt: String, closedBy: String, reason: String,
        forced: Bool, waiting: [PendingDelivery], journal: (sequence: Int64, sha256: String),
        signer: (agency: String, subject: String), packets: [YearPacket], hashes: [String: Entry],
        registers: [(path: String, sha256: String)]
    ) -> JSONValue {
        func optional(_ name: String, _ value: String?) -> [(String, JSONValue)] {
            value.map { [(name, .string($0))] } ?? []
        }
        let list: [JSONValue] = packets.map { packet in
            let hash = hashes[packet.packetId]
            let recipients: [JSONValue] = packet.recipients.map { recipient in
                var members: [(String, JSONValue)] = [("agency", .string(recipient.agency))]
                members += optional("deliveredAt", recipient.deliveredAt)
                if let number = recipient.arrivalNumber, let year = recipient.arrivalYear {
                    members.append(
                        (
                            "arrival",
                            .object([
                                ("year", .integer(Int64(year))), ("series", .string(recipient.arrivalSeries ?? "")),
                                ("number", .integer(number)),
                            ])
                        ))
                }
                members += optional("refused", recipient.refused)
                members += optional("redirectedTo", recipient.redirectedTo)
                members += optional("undelivered", recipient.undelivered)
                members.append(("statuses", .array(recipient.statuses.map(JSONValue.string))))
                return .object(members)
            }
            var members: [(String, JSONValue)] = [
                ("packetId", .string(packet.packetId)), ("sender", .string(packet.sender)),
                ("number", .string(packet.codeNumber + "/" + packet.codeNotation)),
                ("issuedDate", .string(packet.issuedDate)),
            ]
            members += optional("secrecy", packet.secrecy)
            members += [
                ("packedAt", .string(packet.packedAt)), ("archive", .string(packet.archivePath)),
                ("sha256", .string(hash?.sha256 ?? "")), ("size", .integer(packet.size ?? 0)),
                ("sidecar", .string(hash?.sidecar ?? "")), ("sidecarSha256", .string(hash?.sidecarSha256 ?? "")),
                ("completed", .bool(packet.completed)), ("recipients", .array(recipients)),
            ]
            return .object(members)
        }
        return .object([
            ("format", .string(format)), ("year", .integer(Int64(year))), ("office", .bool(office)),
            ("agencies", .array(agencies.map(JSONValue.string))), ("closedAt", .string(closedAt)),
            ("closedBy", .string(closedBy)), ("reason", .string(reason)), ("forced", .bool(forced)),
            (
                "waiting",
                .array(
                    waiting.map {
                        .object([("packetId", .string($0.packetId)), ("recipient", .string($0.recipient))])
                    })
            ),
            (
                "journal",
                .object([("sequence", .integer(journal.sequence)), ("sha256", .string(journal.sha256))])
            ),
            ("signer", .object([("agency", .string(signer.agency)), ("certificate", .string(signer.subject))])),
            (
                "totals",
                .object([
                    ("packets", .integer(Int64(packets.count))),
                    ("bytes", .integer(packets.reduce(0) { $0 + ($1.size ?? 0) })),
                ])
            ),
            ("packets", .array(list)),
            (
                "registers",
                .array(
                    registers.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })
            ),
        ])
    }
}

/// A manifest that cannot be read.
public struct YearManifestError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ArchiveDesk {
    /// What changed in the closed years: for each year manifest the journal names, the manifest itself (its SHA-256
    /// as the `year.close` record says, its signature), each packet it lists (archive file and sidecar, SHA-256),
    /// and for a year closed for the whole office every file under `archive/YYYY/` it does not list (added).
    public func closedYearProblems() throws -> [FixityReport.Problem] {
        var problems: [FixityReport.Problem] = []
        var seen: Set<String> = []
        for closed in try index.closedYears() where seen.insert(closed.manifest).inserted {
            let label = "year \(closed.year)" + (closed.agency.map { " (\($0))" } ?? "")
            func problem(_ packetId: String, _ path: String, _ kind: String, _ detail: String) {
                problems.append(.init(packetId: packetId, path: path, kind: kind, detail: "\(label): \(detail)"))
            }
            let path = spool.path(closed.manifest)
            guard let bytes = try? Durable.readSmallFile(path, limit: 1 << 30) else {
                problem("", closed.manifest, "closed-year-manifest", "the year manifest is gone")
                continue
            }
            guard SHA256Hasher.hex(of: bytes) == closed.sha256 else {
                problem(
                    "", closed.manifest, "closed-year-manifest", "the year manifest is not the one the journal names")
                continue
            }
            if let signature = try? Durable.readSmallFile(path + ".p7s", limit: 1 << 20),
                (try? CMSSignature(der: signature).verify(content: bytes)) != nil
            {
            } else {
                problem(
                    "", closed.manifest + ".p7s", "closed-year-manifest", "the manifest's signature does not verify")
            }
            let manifest: YearManifest
            do {
                manifest = try YearManifest(bytes: bytes)
            } catch {
                problem("", closed.manifest, "closed-year-manifest", "\(error)")
                continue
            }
            var listed: Set<String> = []
            // A packet destroyed by an approved disposal is gone on purpose: its tombstone says so.
            let destroyed = try index.tombstones(manifest.entries.map(\.packetId))
            for entry in manifest.entries where destroyed[entry.packetId] == nil {
                listed.insert(entry.archive)
                listed.insert(entry.sidecar)
                for (file, expected, what) in [
                    (entry.archive, entry.sha256, "packet"), (entry.sidecar, entry.sidecarSha256, "sidecar"),
                ] {
                    guard let actual = try? FileDigest.sha256(spool.path(file)).sha256 else {
                        problem(entry.packetId, file, "closed-year-removed", "the \(what) of a closed year is gone")
                        continue
                    }
                    if actual != expected {
                        problem(
                            entry.packetId, file, "closed-year-changed", "the \(what) differs from the year manifest")
                    }
                }
            }
            guard manifest.office else { continue }
            let yearFolder = "archive/" + String(format: "%04d", manifest.year)
            for file in try files(under: yearFolder) where !listed.contains(file) {
                problem("", file, "closed-year-added", "a file added to the archive of a closed year")
            }
        }
        return problems
    }

    /// Every file under `relative` (spool-relative paths), none when it is missing.
    func files(under relative: String) throws -> [String] {
        var found: [String] = []
        func walk(_ relative: String) throws {
            let entries: [DirectoryEntry]
            do {
                entries = try Directory.entries(spool.path(relative))
            } catch let error as FileError where error.code == ENOENT {
                return
            }
            for entry in entries {
                let path = relative + "/" + (entry.name.string ?? String(decoding: entry.name.bytes, as: UTF8.self))
                if entry.kind == .directory { try walk(path) } else { found.append(path) }
            }
        }
        try walk(relative)
        return found.sorted()
    }
}
