import DurableIO
import Foundation
import Ledger
import Packets
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong restore --from BACKUP --spool NEW` (a contract): a completed backup made into a working spool, in a
/// folder that is new or empty — never over an office. The backup is verified first (every hash, the manifest's
/// signature, the journal's chain) and refused if anything is wrong; a backup of a newer release is refused; its
/// private keys are opened with the passphrase they were sealed under. Everything is written under
/// `NEW/.lienthong-restore.part/`, synced, then moved into place with `agencies/` last (a folder without it is not a
/// spool, so an interrupted restore never looks like an office; `NEW/.lienthong-restoring` marks it, and running the
/// restore again starts over). The index is migrated to this release's schema and caught up with the journal; the
/// clerks' folders are made empty; the restore is journaled in the new spool (`admin backup.restore`), so the chain
/// runs on from the backup's last record and the daemon numbers on from where the backup ends.
public struct Restore {
    public let backup: String
    public let target: String
    /// The passphrase the backup's keys were sealed under; nil with `withoutKeys`.
    public let passphrase: PassphraseSource?
    /// Restores a backup that holds keys without them (they are copied from elsewhere).
    public let withoutKeys: Bool
    public let actor: String
    public let reason: String
    public let dryRun: Bool
    public let now: @Sendable () -> Date
    public let say: @Sendable (String) -> Void

    public init(
        backup: String, target: String, passphrase: PassphraseSource?, withoutKeys: Bool = false,
        actor: String = AdminSession.systemUser(), reason: String = AdminSession.noReason, dryRun: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }, say: @escaping @Sendable (String) -> Void
    ) {
        self.backup = backup
        self.target = target
        self.passphrase = passphrase
        self.withoutKeys = withoutKeys
        self.actor = actor
        self.reason = reason
        self.dryRun = dryRun
        self.now = now
        self.say = say
    }

    static let staging = ".lienthong-restore.part"
    static let marker = ".lienthong-restoring"
    public static let action = "backup.restore"

    /// What a restore made.
    public struct Outcome: Sendable {
        public let spool: String
        public let files: Int
        public let secrets: Int
        /// The backup journal's last record: the restored office's chain runs on from it.
        public let journalSequence: Int64
        /// Index migrations this release ran over the backup's index.
        public let migrations: [String]
    }

    public func run() throws -> Outcome {
        let backup = Self.absolute(backup)
        let target = Self.absolute(target)
        say("Phục hồi — restore: \(backup) → \(target)")
        // 1. The backup must be whole, of a format and schema this release reads.
        let problems = try Backup.verify(backup)
        guard problems.isEmpty else {
            throw AdminRefusal(
                vi: "bản sao lưu \(backup) không toàn vẹn (\(problems.count) lỗi): không phục hồi từ nó.",
                en: "the backup \(backup) does not verify (\(problems.count) problem(s): "
                    + problems.prefix(5).joined(separator: "; ") + "): nothing restored.",
                advice: "Phục hồi từ một bản sao lưu khác — restore from another backup (`lienthong backup list "
                    + "DIR`, then `lienthong backup verify FOLDER`).")
        }
        let version = try JSONParser().parse(try Durable.readSmallFile(backup + "/version.json", limit: 1 << 20))
        guard version["format"]?.stringValue == Backup.format else {
            throw AdminRefusal(
                vi: "\(backup) không phải bản sao lưu LienThong dạng \(Backup.format).",
                en: "\(backup) is not a LienThong backup of format \(Backup.format).")
        }
        let known = LedgerIndex.migrations
        let schema = version["indexSchema"]?.stringValue ?? ""
        guard schema.isEmpty || known.contains(schema) else {
            throw AdminRefusal(
                vi: "bản sao lưu do phiên bản mới hơn tạo (lược đồ \(schema)).",
                en: "the backup was made by a newer release (index schema \(schema); this one knows up to "
                    + "\(known.last ?? "")).",
                advice: "Cài phiên bản mới hơn rồi phục hồi — install that release or a later one, then restore.")
        }
        let pending = known.firstIndex(of: schema).map { Array(known[($0 + 1)...]) } ?? known
        // 2. Into a new or empty folder only (or one a restore cut short left).
        try checkTarget(target)
        // 3. The keys: opened now, before anything is written (a wrong passphrase writes nothing).
        let entries =
            BagIt.parseManifest(try Durable.readSmallFile(backup + "/manifest-sha256.txt", limit: 1 << 30))
            ?? []
        let sealed = entries.filter { $0.path.hasPrefix(BackupSecrets.folder + "/") }
        var secrets: [(stored: String, bytes: [UInt8])] = []
        if !sealed.isEmpty && !withoutKeys {
            guard let passphrase else {
                throw AdminRefusal(
                    vi: "bản sao lưu có \(sealed.count) khoá bí mật đã mã hoá: cần mật khẩu.",
                    en: "the backup holds \(sealed.count) sealed private key file(s): their passphrase is needed.",
                    advice: "Thêm --passphrase-file FILE (hoặc --without-keys rồi chép khoá từ nơi khác) — add "
                        + "--passphrase-file FILE (or --without-keys and copy the keys from elsewhere).")
            }
            let bytes = try BackupSecrets.passphrase(passphrase)
            for entry in sealed {
                do {
                    let envelope = try Durable.readSmallFile(backup + "/" + entry.path, limit: 1 << 20)
                    secrets.append((entry.path, try PasswordEnvelope.open(envelope, passphrase: bytes)))
                } catch {
                    throw AdminRefusal(
                        vi: "không mở được khoá \(entry.path): sai mật khẩu?",
                        en: "cannot open \(entry.path) with the passphrase given: wrong passphrase? (\(error))")
                }
            }
        }
        let files = entries.filter { $0.path != "version.json" && !$0.path.hasPrefix(BackupSecrets.folder + "/") }
        say(
            "  \(files.count) files, \(secrets.count) private key file(s); index schema \(schema.isEmpty ? "?" : schema)"
                + (pending.isEmpty ? "" : " → migrations \(pending.joined(separator: ", "))"))
        if dryRun {
            say("  journal to record \(version["journal"]?["sequence"]?.integerValue ?? 0); then admin \(Self.action)")
            say("--dry-run: nothing changed.")
            return Outcome(
                spool: target, files: files.count, secrets: secrets.count,
                journalSequence: version["journal"]?["sequence"]?.integerValue ?? 0, migrations: pending)
        }
        // 4. Everything under the staging folder, checked again as it is copied.
        try Durable.makeDirectories(target)
        try Durable.writeFile(
            at: target + "/" + Self.marker, bytes: Array("restore from \(backup)\n".utf8), replace: true)
        try Durable.syncDirectory((target as NSString).deletingLastPathComponent)
        let staging = target + "/" + Self.staging
        try OutputFiles.removeTree(staging)
        try Durable.makeDirectories(staging + "/state", mode: 0o700)
        let configuration = try? OfficeConfig.load(backup + "/office.yaml")
        let fallback = configuration?.outage.fallbackDirectory ?? "fallback"
        var notes: [String] = []
        if fallback.hasPrefix("/"), files.contains(where: { $0.path.hasPrefix("fallback/") }) {
            notes.append(
                "office.yaml puts the paper fallback folder at \(fallback); the backup's are in "
                    + "\(target)/fallback/ — move them there if this office is to use that folder")
        }
        var written: [String] = []
        for entry in files {
            var relative = entry.path
            if relative.hasPrefix("fallback/") && !fallback.hasPrefix("/") {
                relative = fallback + "/" + relative.dropFirst("fallback/".count)
            }
            let path = staging + "/" + relative
            let inState = relative.hasPrefix("state/")
            try Durable.makeDirectories((path as NSString).deletingLastPathComponent, mode: inState ? 0o700 : 0o755)
            let mode: mode_t = relative.hasPrefix("state/journal/") ? 0o444 : inState ? 0o600 : 0o644
            let copied = try OutputFiles.copy(backup + "/" + entry.path, to: path, mode: mode)
            guard copied.sha256 == entry.sha256 else {
                throw AdminRefusal(
                    vi: "\(entry.path) đổi trong khi phục hồi.", en: "\(entry.path) changed while it was restored.")
            }
            written.append(path)
        }
        for secret in secrets {
            let place = BackupSecrets.restored(secret.stored, root: staging)
            try Durable.makeDirectories((place.path as NSString).deletingLastPathComponent, mode: 0o700)
            try Durable.writeUnsynced(at: place.path, bytes: secret.bytes, mode: 0o600)
            written.append(place.path)
            if let original = place.original {
                notes.append(
                    "the key \(original) was outside the spool: restored as "
                        + "\(target)/\(String(place.path.dropFirst(staging.count + 1))) — put it back at \(original)")
            }
        }
        // 5. The clerks' folders, empty (what they held is in the archive); the index migrated and caught up.
        for code in (try? FileManager.default.contentsOfDirectory(atPath: staging + "/agencies")) ?? []
        where access(staging + "/agencies/" + code + "/agency.yaml", F_OK) == 0 {
            for folder in ["outbox", "inbox", "rejected"] {
                try Durable.makeDirectories(staging + "/agencies/" + code + "/" + folder)
            }
        }
        try Durable.makeDirectories(staging + "/archive")
        try Durable.syncAll(written)
        let closed = try migrateIndex(in: staging)
        for year in closed {
            let folder = staging + "/archive/" + String(year)
            if access(folder, F_OK) == 0 { Self.makeReadOnly(folder) }
        }
        try OutputFiles.syncFolders(staging)
        // 6. Into place, `agencies/` last: from then on the folder is a spool.
        let names = try FileManager.default.contentsOfDirectory(atPath: staging).sorted()
        for name in names.filter({ $0 != "agencies" }) + (names.contains("agencies") ? ["agencies"] : []) {
            try Durable.renameNoReplace(staging + "/" + name, target + "/" + name)
        }
        try FileManager.default.removeItem(atPath: staging)
        try Durable.syncDirectory(target)
        let sequence = try record(
            in: target, backup: backup, version: version, files: files.count, secrets: secrets.count)
        guard unlink(target + "/" + Self.marker) == 0 else {
            throw FileError("unlink", path: target + "/" + Self.marker)
        }
        try Durable.syncDirectory(target)
        say(
            "Đã phục hồi — restored: \(files.count) files and \(secrets.count) key file(s) into \(target); the "
                + "journal runs on from record \(version["journal"]?["sequence"]?.integerValue ?? 0) (admin "
                + "\(Self.action) is record \(sequence))")
        notes += Self.reachesOutside(target)
        for note in notes { say("  note: \(note)") }
        if sealed.isEmpty || withoutKeys {
            say("  note: no private keys were restored: copy each agency's key to where its agency.yaml says")
        }
        say(
            "  next: lienthong doctor --spool \(target); lienthong archive verify --all --spool \(target); then start the daemon"
        )
        return Outcome(
            spool: target, files: files.count, secrets: secrets.count,
            journalSequence: version["journal"]?["sequence"]?.integerValue ?? 0, migrations: pending)
    }

    /// What a daemon started on the restored spool would write outside it — the backups' folder (whose `keep` would
    /// count this office's backups), the shares the agencies' inboxes and the rotation are on: right after a
    /// disaster, where it should go on; for a drill on a spare folder, a reason not to start the daemon there.
    static func reachesOutside(_ root: String) -> [String] {
        let layout = SpoolLayout(root: root)
        var places: [String] = []
        if let config = try? OfficeConfig.load(layout.officeConfig) {
            if let backup = config.backup { places.append("backups into \(backup.to)") }
            if let to = config.rotate?.to { places.append("rotated folders into \(to)") }
            if config.outage.fallbackDirectory.hasPrefix("/") {
                places.append("the paper fallback log into \(config.outage.fallbackDirectory)")
            }
        }
        if let directory = try? AgencyDirectory.load(layout) {
            let shares = directory.agencies.values.compactMap(\.inbox).map(layout.path).filter {
                !$0.hasPrefix(root + "/")
            }
            if !shares.isEmpty {
                places.append("deliveries into \(shares.count) inbox(es) on shares (\(shares.sorted()[0]), …)")
            }
        }
        guard !places.isEmpty else { return [] }
        return [
            "a daemon started on this spool writes " + places.joined(separator: ", ")
                + " — right for the office that goes on; for a drill, run only the checks (or edit office.yaml and "
                + "agency.yaml first)"
        ]
    }

    /// The target must be new, empty, or what an interrupted restore left (its marker, no `agencies/`).
    private func checkTarget(_ target: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            let parent = (target as NSString).deletingLastPathComponent
            guard access(parent, W_OK) == 0 else {
                throw AdminRefusal(
                    vi: "không tạo được \(target): \(parent) không có hoặc không ghi được.",
                    en: "cannot make \(target): \(parent) is missing or cannot be written.")
            }
            return
        }
        let entries = isDirectory.boolValue ? try FileManager.default.contentsOfDirectory(atPath: target) : ["?"]
        let interrupted = entries.contains(Self.marker) && !entries.contains("agencies")
        guard entries.isEmpty || interrupted else {
            throw AdminRefusal(
                vi:
                    "\(target) không trống: chỉ phục hồi vào thư mục mới hoặc trống, không bao giờ đè lên một văn phòng.",
                en: "\(target) is not empty: a restore goes into a new or empty folder only, never over an office.",
                advice: "Chọn --spool một thư mục mới — give --spool a new folder.")
        }
        if interrupted {
            say("  \(target) holds a restore that was cut short: starting over")
            for entry in entries where entry != Self.marker { try OutputFiles.removeTree(target + "/" + entry) }
        }
    }

    /// Opens the staged index (this release's migrations run), catches it up with the staged journal, and returns
    /// the office's closed years (their archive folders are made read-only again).
    private func migrateIndex(in staging: String) throws -> [Int] {
        let journal = try Journal(path: staging + "/state/journal.jsonl", repairing: false)
        let index = try LedgerIndex(path: staging + "/state/index.sqlite")
        try index.catchUp(with: journal)
        let closed = try index.closedYears().filter { $0.agency == nil }.map(\.year)
        return closed
    }

    /// Appends `admin backup.restore` to the restored office's journal and catches its index up.
    private func record(in target: String, backup: String, version: JSONValue, files: Int, secrets: Int) throws
        -> Int64
    {
        let layout = SpoolLayout(root: target)
        let config = (try? OfficeConfig.load(layout.officeConfig)) ?? OfficeConfig()
        let session = AdminSession(
            spool: layout, config: config, actor: actor, reason: reason, dryRun: false, now: now, say: say)
        let journal = try session.journal()
        let appended = try journal.append(
            .admin(
                action: Self.action, by: actor, reason: reason, target: target,
                details: .object([
                    ("from", .string(backup)), ("backup", .string((backup as NSString).lastPathComponent)),
                    ("journalSequence", .integer(version["journal"]?["sequence"]?.integerValue ?? 0)),
                    ("journalSha256", .string(version["journal"]?["sha256"]?.stringValue ?? "")),
                    ("program", .string(version["program"]?.stringValue ?? "")),
                    ("indexSchema", .string(version["indexSchema"]?.stringValue ?? "")),
                    ("files", .integer(Int64(files))), ("secrets", .integer(Int64(secrets))),
                ])))
        _ = try session.index()
        return appended.sequence
    }

    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath
    }

    /// Files 0444 and folders 0555 below `path`, as `year close` left the closed year's archive.
    static func makeReadOnly(_ path: String) {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var folders = [path]
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(path + "/" + relative, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                folders.append(path + "/" + relative)
            } else {
                _ = chmod(path + "/" + relative, 0o444)
            }
        }
        for folder in folders.reversed() { _ = chmod(folder, 0o555) }
    }
}
