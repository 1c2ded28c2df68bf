import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong backup create|verify|list` (issue 16, first part): a backup of a running office at one point in
/// time — the index and the accounts through SQLite's online backup, then the journal up to its last complete
/// record (so the index is never ahead of it), the archive files that journal knows, the fallback folder, the trust
/// store, the agencies' configuration and certificates, the office's signed year manifests and certificates of
/// destruction. Incremental: an archive file the previous backup holds with the same SHA-256 is hard-linked, not
/// copied. Every file is listed with its SHA-256 in `manifest-sha256.txt`, signed (`manifest-sha256.txt.p7s`),
/// beside `version.json`; the backup is written under a hidden name and renamed when complete. Private keys are in
/// it only when asked (`--include-keys`), each sealed under a passphrase as CMS EnvelopedData (`BackupSecrets`).
/// One backup at a time writes into a folder (a lock beside the backups); `keep` removes the oldest beyond that many.
public struct Backup {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    /// The prefix of a completed backup's folder name.
    public static let prefix = "lienthong-backup-"
    /// The program's version, written into `version.json`.
    public static let programVersion = "0.1.0"
    /// What `version.json` says the format is; a restore refuses any other.
    public static let format = "lienthong-backup/1"
    /// The journal's action for a completed backup.
    public static let action = "backup.create"
    static let lockName = ".lienthong-backup.lock"

    var spool: SpoolLayout { session.spool }

    /// What a backup wrote.
    public struct Outcome: Sendable {
        public let folder: String
        public let files: Int
        public let bytes: Int64
        /// Bytes copied (the rest hard-linked from the previous backup).
        public let copiedBytes: Int64
        public let linked: Int
        public let journal: Journal.SnapshotEnd
        /// Private keys sealed into it (`--include-keys`).
        public let secrets: Int
        /// Older backups removed by `keep`.
        public let removed: [String]
    }

    /// Makes a backup in `base`; with `keys`, the private keys too, sealed under that passphrase; with `keep`, the
    /// oldest completed backups beyond that many are removed afterwards.
    public func create(in base: String, keys: PassphraseSource? = nil, keep: Int? = nil) throws -> Outcome {
        let base = try OutputFiles.writableFolder(base, shown: base, what: "thư mục sao lưu")
        if let keep, keep < 1 {
            throw AdminRefusal(vi: "--keep phải từ 1 trở lên.", en: "--keep must be 1 or more.")
        }
        let passphrase = try keys.map(BackupSecrets.passphrase)
        let name = Self.prefix + Self.stamp(session.now())
        let folder = base + "/" + name
        guard !FileManager.default.fileExists(atPath: folder) else {
            throw AdminRefusal(vi: "\(folder) đã có.", en: "\(folder) exists already.")
        }
        var completed = try Self.completed(in: base)
        var previous = completed.last
        session.say("Sao lưu — backup: \(spool.root) → \(folder)" + (previous.map { " (after \($0.name))" } ?? ""))
        let secrets = passphrase == nil ? [] : try BackupSecrets.files(in: spool, directory: try session.directory())
        if passphrase != nil { session.say("  with \(secrets.count) private key file(s), sealed under the passphrase") }
        if session.dryRun {
            let ours = completed.filter { $0.version?["spool"]?.stringValue == Restore.absolute(spool.root) }
            if let keep, ours.count + 1 > keep {
                for old in ours.prefix(ours.count + 1 - keep) {
                    session.say("  remove \(old.name) (--keep \(keep))")
                }
            }
            session.say("  append to the journal: admin \(Self.action)")
            session.say("--dry-run: nothing changed.")
            return Outcome(
                folder: folder, files: 0, bytes: 0, copiedBytes: 0, linked: 0,
                journal: .init(sequence: 0, sha256: "", offset: 0), secrets: secrets.count, removed: [])
        }
        guard let lock = try FileLock.tryAcquire(base + "/" + Self.lockName) else {
            throw AdminRefusal(
                vi: "một bản sao lưu khác đang được ghi vào \(base).",
                en: "another backup is being written into \(base).",
                advice: "Chờ nó xong rồi chạy lại — wait for it to finish, then run again.")
        }
        defer { withExtendedLifetime(lock) {} }
        // What another backup finished meanwhile counts; the hidden folders killed ones left are nobody's now.
        completed = try Self.completed(in: base)
        previous = completed.last
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        where stale.hasPrefix("." + Self.prefix) && stale.hasSuffix(".part") {
            try OutputFiles.removeTree(base + "/" + stale)
        }
        let staging = base + "/." + name + ".part"
        try Durable.makeDirectories(staging + "/state", mode: 0o700)
        // A backup that fails leaves nothing behind (one killed leaves its hidden folder to the next).
        var renamed = false
        defer { if !renamed { try? OutputFiles.removeTree(staging) } }
        // The folders made (each once; synced at the end, without walking the tree again).
        var folders: Set<String> = [staging, staging + "/state"]
        func makeFolder(for target: String, mode: mode_t = 0o755) throws {
            let parent = (target as NSString).deletingLastPathComponent
            guard !folders.contains(parent) else { return }
            try Durable.makeDirectories(parent, mode: mode)
            var current = parent
            while current.count > staging.count, folders.insert(current).inserted {
                current = (current as NSString).deletingLastPathComponent
            }
        }
        // 1. The databases first, then the journal: the index copy is never ahead of the journal copy.
        // (An office that never ran has no index yet: the restore makes it from the journal.)
        let schema =
            access(spool.state + "/index.sqlite", F_OK) == 0
            ? try SQLiteSnapshot.copy(from: spool.state + "/index.sqlite", to: staging + "/state/index.sqlite") : nil
        if access(spool.state + "/accounts.sqlite", F_OK) == 0 {
            try SQLiteSnapshot.copy(from: spool.state + "/accounts.sqlite", to: staging + "/state/accounts.sqlite")
        }
        // (An office that never ran has no journal yet either: its backup holds an empty one.)
        let end: Journal.SnapshotEnd
        if access(spool.state + "/journal.jsonl", F_OK) == 0 {
            end = try Journal(path: spool.state + "/journal.jsonl", repairing: false).snapshot(into: staging + "/state")
        } else {
            try Durable.writeUnsynced(at: staging + "/state/journal.jsonl", bytes: [], mode: 0o600)
            end = .init(sequence: 0, sha256: JournalRecord.genesis, offset: 0)
        }
        // 2. The archive files the copied journal knows (archived before their record was written).
        let copiedJournal = try Journal(path: staging + "/state/journal.jsonl", repairing: false)
        var archive: [String: String?] = [:]
        try copiedJournal.forEachRecord(containing: Array("\"archive\":".utf8)) { record in
            switch record.event {
            case .packed(let packet), .received(let packet, _):
                archive[packet.archive] = packet.sha256
                archive[(packet.archive as NSString).deletingPathExtension + ".json"] = .some(nil)
            default: break
            }
        }
        let previousHashes = try previous.map { try Self.manifest(of: $0.path) } ?? [:]
        var entries: [(path: String, sha256: String)] = []
        var written: [String] = []
        var bytes: Int64 = 0
        var copiedBytes: Int64 = 0
        var linked = 0
        // Progress on a long one: every few seconds, how far the archive is.
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        var done = 0
        for (relative, known) in archive.sorted(by: { $0.key < $1.key }) {
            done += 1
            if done % 500 == 0, DispatchTime.now().uptimeNanoseconds - lastProgress > 5_000_000_000 {
                lastProgress = DispatchTime.now().uptimeNanoseconds
                session.say(
                    "  … \(done) of \(archive.count) archive files (\(OutputFiles.sizeText(copiedBytes)) copied)")
            }
            let source = spool.path(relative)
            guard access(source, F_OK) == 0 else { continue }  // destroyed by an approved disposal
            let target = staging + "/" + relative
            try makeFolder(for: target)
            // A sidecar's hash is not in the journal; it is small, and never changes either: hashed here.
            let sha256 = known ?? (previous == nil ? nil : try? FileDigest.sha256(source).sha256)
            if let sha256, let previous, previousHashes[relative] == sha256,
                link(previous.path + "/" + relative, target) == 0
            {
                entries.append((relative, sha256))
                bytes += OutputFiles.size(target)
                linked += 1
                continue
            }
            let copied = try OutputFiles.copy(source, to: target, mode: 0o600)
            entries.append((relative, copied.sha256))
            written.append(target)
            bytes += copied.size
            copiedBytes += copied.size
        }
        // 3. The office's own files: configuration, trust, agencies, fallback, years, disposals.
        var others = ["office.yaml"]
        for folder in ["trust", "years", "disposals", "Templates"] {
            others += try Self.files(under: folder, in: spool.root) { _ in true }
        }
        // Agencies: their configuration and certificates only (never the clerks' folders beside them).
        for agency in try Directory.entries(spool.agencies) where agency.kind == .directory {
            guard let code = agency.name.string else { continue }
            for entry in try Directory.entries(spool.agencies + "/" + code) where entry.kind == .file {
                guard let name = entry.name.string, name.hasSuffix(".yaml") || name.hasSuffix(".pem") else { continue }
                others.append("agencies/" + code + "/" + name)
            }
        }
        let fallback = session.config.outage.fallbackPath(spool)
        for relative in try Self.files(under: "", in: fallback, { !$0.hasPrefix(".") && !$0.contains("/.") }) {
            others.append("fallback/" + relative)
        }
        for relative in others {
            let source =
                relative.hasPrefix("fallback/")
                ? fallback + "/" + relative.dropFirst("fallback/".count) : spool.path(relative)
            guard access(source, F_OK) == 0 else { continue }
            let target = staging + "/" + relative
            try makeFolder(for: target)
            let copied = try OutputFiles.copy(source, to: target, mode: 0o600)
            entries.append((relative, copied.sha256))
            written.append(target)
            bytes += copied.size
            copiedBytes += copied.size
        }
        for secret in secrets {
            let target = staging + "/" + secret.stored
            try makeFolder(for: target, mode: 0o700)
            let sealed = try PasswordEnvelope.seal(
                try Durable.readSmallFile(secret.source, limit: 1 << 20), passphrase: passphrase ?? [])
            try Durable.writeUnsynced(at: target, bytes: sealed, mode: 0o600)
            entries.append((secret.stored, SHA256Hasher.hex(of: sealed)))
            written.append(target)
            bytes += Int64(sealed.count)
            copiedBytes += Int64(sealed.count)
        }
        for relative in try Self.files(under: "state", in: staging, { _ in true }) {
            let path = staging + "/" + relative
            entries.append((relative, try FileDigest.sha256(path).sha256))
            written.append(path)
            bytes += OutputFiles.size(path)
            copiedBytes += OutputFiles.size(path)
            folders.insert((path as NSString).deletingLastPathComponent)
        }
        // 4. version.json, the manifest, its signature; everything synced; then the name that says "complete".
        let version = JSONWriter.bytes(
            .object([
                ("format", .string(Self.format)), ("program", .string(Self.programVersion)),
                ("indexSchema", .string(schema ?? "")),
                ("createdAt", .string(Timestamp.string(session.now(), in: session.timeZone))),
                ("spool", .string(Restore.absolute(spool.root))),
                (
                    "journal",
                    .object([
                        ("sequence", .integer(end.sequence)), ("sha256", .string(end.sha256)),
                        ("offset", .integer(end.offset)),
                    ])
                ),
                ("previous", previous.map { .string($0.name) } ?? .null),
                ("secrets", .integer(Int64(secrets.count))),
            ]))
        try Durable.writeUnsynced(at: staging + "/version.json", bytes: version)
        written.append(staging + "/version.json")
        entries.append(("version.json", SHA256Hasher.hex(of: version)))
        let manifest = BagIt.manifest(entries)
        try Durable.writeUnsynced(at: staging + "/manifest-sha256.txt", bytes: manifest)
        let signing = try OfficeSigner.identity(preferring: nil, directory: try session.directory())
        try Durable.writeUnsynced(
            at: staging + "/manifest-sha256.txt.p7s",
            bytes: try signing.signer.sign(manifest, signingTime: session.now()))
        written += [staging + "/manifest-sha256.txt", staging + "/manifest-sha256.txt.p7s"]
        try Durable.syncAll(written)
        try Durable.syncAll(folders.sorted())
        guard rename(staging, folder) == 0 else { throw FileError("rename", path: "\(staging) -> \(folder)") }
        renamed = true
        try Durable.syncDirectory(base)
        session.say(
            "Đã sao lưu — backed up: \(entries.count) files, \(OutputFiles.sizeText(bytes)) (\(OutputFiles.sizeText(copiedBytes)) "
                + "copied, \(linked) archive files hard-linked from the previous backup); journal to record \(end.sequence)"
        )
        var removed: [String] = []
        let ours = completed.filter { $0.version?["spool"]?.stringValue == Restore.absolute(spool.root) }
        if let keep, ours.count + 1 > keep {
            for old in ours.prefix(ours.count + 1 - keep) {
                try Self.remove(old.path)
                removed.append(old.name)
                session.say("  removed \(old.name) (--keep \(keep))")
            }
            try Durable.syncDirectory(base)
        }
        let journal = try session.journal()
        try journal.append(
            .admin(
                action: Self.action, by: session.actor, reason: session.reason, target: folder,
                details: .object([
                    ("folder", .string(folder)), ("journalSequence", .integer(end.sequence)),
                    ("journalSha256", .string(end.sha256)), ("files", .integer(Int64(entries.count))),
                    ("bytes", .integer(bytes)), ("copiedBytes", .integer(copiedBytes)),
                    ("linked", .integer(Int64(linked))), ("secrets", .integer(Int64(secrets.count))),
                    ("manifestSha256", .string(SHA256Hasher.hex(of: manifest))),
                    ("removed", .array(removed.map(JSONValue.string))),
                ])))
        return Outcome(
            folder: folder, files: entries.count, bytes: bytes, copiedBytes: copiedBytes, linked: linked, journal: end,
            secrets: secrets.count, removed: removed)
    }

    /// Removes a completed backup: first renamed to a hidden name (so it is never listed half-removed), then removed.
    static func remove(_ path: String) throws {
        let hidden =
            (path as NSString).deletingLastPathComponent + "/." + (path as NSString).lastPathComponent + ".part"
        guard rename(path, hidden) == 0 else { throw FileError("rename", path: "\(path) -> \(hidden)") }
        try OutputFiles.removeTree(hidden)
    }

    /// A completed backup: its folder, name and what `version.json` says.
    public struct Listed: Sendable {
        public let name: String
        public let path: String
        public let version: JSONValue?
    }

    /// The completed backups in `base`, oldest first (hidden, unfinished ones are never listed).
    public static func completed(in base: String) throws -> [Listed] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted().compactMap { name in
            let path = base + "/" + name
            guard access(path + "/manifest-sha256.txt", F_OK) == 0 else { return nil }
            let version = (try? Durable.readSmallFile(path + "/version.json", limit: 1 << 20)).flatMap {
                try? JSONParser().parse($0)
            }
            return Listed(name: name, path: path, version: version)
        }
    }

    /// What is wrong with the backup at `folder` (empty: it verifies): the manifest's signature, every file's
    /// SHA-256, files missing or not listed, the journal's chain and its last record against `version.json`.
    public static func verify(_ folder: String) throws -> [String] {
        var problems: [String] = []
        let name = ((folder as NSString).standardizingPath as NSString).lastPathComponent
        if name.hasPrefix(".") || name.hasSuffix(".part") {
            problems.append("\(name) is a backup that was never finished (its name says so): not a complete backup")
        }
        guard let manifest = try? Durable.readSmallFile(folder + "/manifest-sha256.txt", limit: 1 << 30),
            let entries = BagIt.parseManifest(manifest)
        else { return ["manifest-sha256.txt is missing or unreadable: not a complete backup"] }
        if let signature = try? Durable.readSmallFile(folder + "/manifest-sha256.txt.p7s", limit: 1 << 20),
            (try? CMSSignature(der: signature).verify(content: manifest)) != nil
        {
        } else {
            problems.append("manifest-sha256.txt.p7s does not verify over the manifest")
        }
        var listed: Set<String> = []
        for entry in entries {
            listed.insert(entry.path)
            guard let actual = try? FileDigest.sha256(folder + "/" + entry.path).sha256 else {
                problems.append("missing: \(entry.path)")
                continue
            }
            if actual != entry.sha256 { problems.append("changed: \(entry.path)") }
        }
        for relative in try files(under: "", in: folder, { _ in true })
        where !listed.contains(relative) && !relative.hasPrefix("manifest-sha256.txt") {
            problems.append("not in the manifest: \(relative)")
        }
        let journal = folder + "/state/journal.jsonl"
        if access(journal, F_OK) == 0 {
            do {
                let copied = try Journal(path: journal, repairing: false)
                try copied.verifyChain()
                let version = try JSONParser().parse(
                    try Durable.readSmallFile(folder + "/version.json", limit: 1 << 20))
                if try copied.lastRecord()?.hash ?? JournalRecord.genesis != version["journal"]?["sha256"]?.stringValue
                {
                    problems.append("the journal's last record is not the one version.json names")
                }
            } catch {
                problems.append("the journal inside does not verify: \(error)")
            }
        } else {
            problems.append("missing: state/journal.jsonl")
        }
        return problems
    }

    static func manifest(of folder: String) throws -> [String: String] {
        guard let bytes = try? Durable.readSmallFile(folder + "/manifest-sha256.txt", limit: 1 << 30),
            let entries = BagIt.parseManifest(bytes)
        else { return [:] }
        return Dictionary(entries.map { ($0.path, $0.sha256) }, uniquingKeysWith: { first, _ in first })
    }

    /// Regular files under `relative` of `root` (relative to `root`, sorted), kept when `keep` says so; links are
    /// not followed.
    static func files(under relative: String, in root: String, _ keep: (String) -> Bool) throws -> [String] {
        var found: [String] = []
        func walk(_ folder: String) throws {
            for entry in try Directory.entries(folder.isEmpty ? root : root + "/" + folder) {
                guard let name = entry.name.string else { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                switch entry.kind {
                case .directory: try walk(path)
                case .file: if keep(path) { found.append(path) }
                default: break
                }
            }
        }
        try walk(relative)
        return found.sorted()
    }

    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
