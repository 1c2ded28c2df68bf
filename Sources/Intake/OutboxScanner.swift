import DurableIO
import Foundation
import Packets

/// One look at an agency's outbox: the drops in it and the entries that cannot be sent.
public struct OutboxListing: Sendable {
    /// Complete-looking drops (not yet known to be settled).
    public var drops: [Drop] = []
    /// Top-level entries of each drop, with their facts, for settling.
    public var entries: [RawName: DirectoryEntry] = [:]
    /// Entries that are not regular files or folders.
    public var unsafe: [Stray] = []
    /// Documents without a sidecar, sidecars without documents, folders without metadata.json: they wait.
    public var waiting: [Stray] = []
    /// The office's own waiting notices (`! ĐANG CHỜ — <name>.txt`): never documents, never sidecars.
    public var notices: [RawName] = []
    /// The office's own reason files (`<name>.reason.txt`) copied back into the outbox with a fixed drop: never
    /// sent, put back into `rejected/`.
    public var reasonCopies: [RawName] = []
    /// For each waiting entry, the other unpaired names that differ from it only by accents, case or spaces.
    public var nearly: [RawName: [RawName]] = [:]
    /// Drops paired although their names differ by accents, case or spaces (said so when they are sent).
    public var nearPairs: Set<RawName> = []
}

/// Reads an outbox by raw names and groups what it finds (DESIGN.md, "Clerk input").
public enum OutboxScanner {
    /// The name of a folder drop's sidecar.
    public static let folderSidecar = RawName("metadata.json")

    /// Lists `path` (the outbox of `agency`).
    public static func scan(_ path: String, agency: AgencyCode) throws -> OutboxListing {
        var listing = OutboxListing()
        var files: [RawName: DirectoryEntry] = [:]
        for entry in try Directory.entries(path) where !TemporaryNames.isTemporary(entry.name) {
            if entry.kind == .file, WaitingNotice.isNotice(entry.name) {
                listing.notices.append(entry.name)
                continue
            }
            switch entry.kind {
            case .file:
                if ReasonCopy.isReasonFile(entry.name, in: path) {
                    listing.reasonCopies.append(entry.name)
                    listing.entries[entry.name] = entry
                    continue
                }
                files[entry.name] = entry
            case .directory:
                listing.entries[entry.name] = entry
                let inside = try Directory.entries(path + "/" + (entry.name.string ?? entry.name.description))
                if inside.contains(where: { $0.name == folderSidecar && $0.kind == .file }) {
                    listing.drops.append(Drop(agency: agency, shape: .folder(entry.name)))
                } else {
                    listing.waiting.append(Stray(agency: agency, name: entry.name, problem: .folderWithoutMetadata))
                }
            default:
                listing.unsafe.append(Stray(agency: agency, name: entry.name, problem: .notRegularFile(entry.kind)))
            }
        }
        // Pair documents with sidecars: `<stem>.json` takes every file whose stem is `<stem>`, or which is `<stem>`
        // itself (so both `X.pdf` + `X.json` and `X.pdf` + `X.pdf.json` work). Looked up by stem, not searched:
        // an outbox may hold thousands of files.
        let json = Array(".json".utf8)
        let sidecars = files.keys.filter {
            $0.bytes.count > json.count && $0.bytes.suffix(json.count).map(lower) == json
        }.sorted()
        let sidecarSet = Set(sidecars)
        var byStem: [[UInt8]: [RawName]] = [:]
        for name in files.keys where !sidecarSet.contains(name) {
            byStem[Self.stem(of: name.bytes), default: []].append(name)
        }
        var claimed: Set<RawName> = []
        var lonelySidecars: [RawName] = []
        for sidecar in sidecars {
            let stem = Array(sidecar.bytes.dropLast(json.count))
            var candidates = byStem[stem] ?? []
            if let exact = files[RawName(stem)], !sidecarSet.contains(exact.name) { candidates.append(exact.name) }
            let documents = Array(Set(candidates.filter { !claimed.contains($0) })).sorted(by: documentOrder)
            if documents.isEmpty {
                lonelySidecars.append(sidecar)
                continue
            }
            claimed.formUnion(documents)
            claimed.insert(sidecar)
            listing.drops.append(Drop(agency: agency, shape: .pair(sidecar: sidecar, documents: documents)))
            for name in documents + [sidecar] { listing.entries[name] = files[name] }
        }
        let lonelyDocuments = files.keys.filter { !claimed.contains($0) && !sidecarSet.contains($0) }
        // Names that differ only by accents, case or spaces (`Cong van 207.json` beside `Công văn 207.pdf`): paired
        // when there is one way to pair them, else named together in what the clerk is told.
        let near = NearNames.match(sidecars: lonelySidecars, documents: lonelyDocuments)
        for (sidecar, documents) in near.pairs {
            let sorted = documents.sorted(by: documentOrder)
            claimed.formUnion(sorted)
            claimed.insert(sidecar)
            listing.nearPairs.insert(sidecar)
            listing.drops.append(Drop(agency: agency, shape: .pair(sidecar: sidecar, documents: sorted)))
            for name in sorted + [sidecar] { listing.entries[name] = files[name] }
        }
        listing.nearly = near.ambiguous
        for sidecar in lonelySidecars where !claimed.contains(sidecar) {
            listing.waiting.append(Stray(agency: agency, name: sidecar, problem: .missingDocument))
            listing.entries[sidecar] = files[sidecar]
        }
        for name in lonelyDocuments where !claimed.contains(name) {
            listing.waiting.append(Stray(agency: agency, name: name, problem: .missingSidecar))
            listing.entries[name] = files[name]
        }
        listing.waiting.sort { $0.name < $1.name }
        return listing
    }

    /// The name without its last extension (`Quyết định.pdf` → `Quyết định`); the name itself when it has none.
    public static func stem(of name: [UInt8]) -> [UInt8] {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > 0 else { return name }
        return Array(name[..<dot])
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Main text first: PDFs before other formats, then by name.
    private static func documentOrder(_ a: RawName, _ b: RawName) -> Bool {
        let pdf = Array(".pdf".utf8)
        let aPDF = a.bytes.suffix(4).map(lower) == pdf
        let bPDF = b.bytes.suffix(4).map(lower) == pdf
        if aPDF != bPDF { return aPDF }
        return a < b
    }
}
