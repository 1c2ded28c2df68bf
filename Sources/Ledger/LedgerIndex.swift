import DurableIO
import Foundation
import GRDB
import Packets

/// The SQLite index (through GRDB) of everything the journal says: packets, recipients, deliveries, rejections
/// and the numbers each agency has used. It is derived data: `rebuild` makes it again from the archive's
/// sidecars and the journal alone.
public final class LedgerIndex: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (or creates) the index at `path`. Several processes may share it (WAL, with a busy timeout).
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        // Two daemons starting together must not both create the schema or switch the journal mode at once.
        let lock = try FileLock.acquire(path + ".lock")
        defer { withExtendedLifetime(lock) {} }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The schema's migrations this release knows, oldest first (a backup's `indexSchema` names the last it had).
    public static var migrations: [String] { migrator.migrations }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE journalState (
                        id INTEGER PRIMARY KEY CHECK (id = 1), lastSequence INTEGER NOT NULL, lastOffset INTEGER NOT NULL);
                    INSERT INTO journalState VALUES (1, 0, 0);
                    CREATE TABLE packet (
                        packetId TEXT PRIMARY KEY, sender TEXT NOT NULL, codeNumber TEXT NOT NULL, codeNotation TEXT NOT NULL,
                        issuedDate TEXT NOT NULL, typeName TEXT NOT NULL, subject TEXT NOT NULL, priority TEXT NOT NULL,
                        secrecy TEXT, packedAt TEXT NOT NULL, archivePath TEXT NOT NULL, sha256 TEXT, size INTEGER,
                        completed INTEGER NOT NULL DEFAULT 0);
                    CREATE INDEX packetSender ON packet(sender, issuedDate);
                    CREATE TABLE recipient (packetId TEXT NOT NULL, agency TEXT NOT NULL, PRIMARY KEY (packetId, agency));
                    CREATE TABLE delivery (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, deliveredAt TEXT NOT NULL, path TEXT NOT NULL,
                        PRIMARY KEY (packetId, agency));
                    CREATE TABLE documentNumber (
                        agency TEXT NOT NULL, year INTEGER NOT NULL, number TEXT NOT NULL, notation TEXT NOT NULL,
                        packetId TEXT NOT NULL, PRIMARY KEY (agency, year, number, notation));
                    CREATE INDEX documentNumberPacket ON documentNumber(packetId);
                    CREATE TABLE rejection (
                        sequence INTEGER PRIMARY KEY, at TEXT NOT NULL, agency TEXT NOT NULL, names TEXT NOT NULL,
                        reason TEXT NOT NULL, message TEXT NOT NULL, packetId TEXT);
                    CREATE INDEX rejectionPacket ON rejection(packetId);
                    """)
        }
        migrator.registerMigration("v2-receiving") { db in
            try db.execute(
                sql: """
                    CREATE TABLE arrival (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, year INTEGER NOT NULL, series TEXT NOT NULL,
                        number INTEGER NOT NULL, registeredAt TEXT NOT NULL, late INTEGER NOT NULL DEFAULT 0, legal TEXT,
                        PRIMARY KEY (packetId, agency), UNIQUE (agency, year, series, number));
                    CREATE TABLE status (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, code TEXT NOT NULL, at TEXT NOT NULL,
                        late INTEGER NOT NULL DEFAULT 0, reason TEXT, PRIMARY KEY (packetId, agency, code));
                    CREATE TABLE refusal (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, at TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL,
                        PRIMARY KEY (packetId, agency));
                    """)
        }
        migrator.registerMigration("v3-paper") { db in
            // An arrival registered when its paper copy was handed over during an outage (Decision 17/2019 Art 8.1).
            try db.execute(
                sql: """
                    ALTER TABLE arrival ADD COLUMN medium TEXT NOT NULL DEFAULT 'electronic';
                    ALTER TABLE arrival ADD COLUMN receivedAt TEXT;
                    ALTER TABLE arrival ADD COLUMN receivedBy TEXT;
                    """)
        }
        registerCatalog(&migrator)
        migrator.registerMigration("v6-verification") { db in
            // The last fixity check of each packet (archive verify, the web page's button): when, and what it found.
            try db.execute(
                sql:
                    "CREATE TABLE verification (packetId TEXT PRIMARY KEY, at TEXT NOT NULL, result TEXT NOT NULL, detail TEXT NOT NULL)"
            )
        }
        migrator.registerMigration("v7-admin") { db in
            // Deliveries the admins changed: redirected to a successor, given up, held.
            try db.execute(
                sql: """
                    CREATE TABLE redirect (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, successor TEXT NOT NULL, at TEXT NOT NULL,
                        PRIMARY KEY (packetId, agency));
                    CREATE TABLE undelivered (
                        packetId TEXT NOT NULL, agency TEXT NOT NULL, at TEXT NOT NULL, reason TEXT NOT NULL, byWhom TEXT NOT NULL,
                        PRIMARY KEY (packetId, agency));
                    CREATE TABLE hold (
                        kind TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL, byWhom TEXT NOT NULL, reason TEXT NOT NULL,
                        PRIMARY KEY (kind, key));
                    -- queue retry: deliveries to try at once (the daemon takes those after the last it saw).
                    CREATE TABLE retryRequest (sequence INTEGER PRIMARY KEY, routes TEXT NOT NULL, packets TEXT NOT NULL);
                    -- Packets made here from clerks' drops (their deliveries are the office's to make); only those take
                    -- document numbers, which tells them apart in an index made before this column.
                    ALTER TABLE packet ADD COLUMN madeHere INTEGER NOT NULL DEFAULT 0;
                    UPDATE packet SET madeHere = 1 WHERE packetId IN (SELECT packetId FROM documentNumber);
                    """)
        }
        registerRotation(&migrator)
        registerYears(&migrator)
        registerRecords(&migrator)
        registerHandovers(&migrator)
        registerRetention(&migrator)
        return migrator
    }

    /// The journal sequence the index has applied up to.
    public func lastSequence() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT lastSequence FROM journalState") ?? 0 }
    }

    /// Applies every journal record the index has not seen yet, reading the journal from where it stopped.
    public func catchUp(with journal: Journal) throws {
        var (last, offset) = try pool.read { db -> (Int64, Int64) in
            let row = try Row.fetchOne(db, sql: "SELECT lastSequence, lastOffset FROM journalState")
            return (row?["lastSequence"] ?? 0, row?["lastOffset"] ?? 0)
        }
        // The journal's torn tail was cut (a record the index had read may be gone, and new records may reuse its
        // sequence): read the journal again from the start. Applying a record twice changes nothing.
        if offset > 0, try journal.record(endingAt: offset)?.sequence != last {
            try pool.write { db in try db.execute(sql: "UPDATE journalState SET lastSequence = 0, lastOffset = 0") }
            (last, offset) = (0, 0)
        }
        var batch: [JournalRecord] = []
        var batchEnd = offset
        try journal.forEachRecord(from: offset) { record, end in
            guard record.sequence > last else { return }
            batch.append(record)
            batchEnd = end
            if batch.count >= 1000 {
                try apply(batch, endOffset: batchEnd)
                batch.removeAll()
            }
        }
        try apply(batch, endOffset: batchEnd)
    }

    /// Applies records (idempotently: applying one twice changes nothing). `endOffset` is the journal offset just
    /// after the last of them, when known.
    public func apply(_ records: [JournalRecord], endOffset: Int64? = nil) throws {
        guard let last = records.last else { return }
        try pool.write { db in
            for record in records { try Self.apply(record, db) }
            try db.execute(
                sql: "UPDATE journalState SET lastSequence = MAX(lastSequence, ?)", arguments: [last.sequence])
            if let endOffset {
                try db.execute(
                    sql: "UPDATE journalState SET lastOffset = ? WHERE lastSequence = ?",
                    arguments: [endOffset, last.sequence])
            }
        }
    }

    private static func apply(_ record: JournalRecord, _ db: Database) throws {
        switch record.event {
        case .packed(let packet):
            try apply(packet, at: record.at, db)
            try db.execute(
                sql: "UPDATE packet SET madeHere = 1 WHERE packetId = ?", arguments: [packet.packetId.rawValue])
            // Catalogued before this record was applied (a rebuilt index): the record its sidecar names.
            if let json = try String.fetchOne(
                db, sql: "SELECT metadata FROM catalog WHERE packetId = ?", arguments: [packet.packetId.rawValue]),
                let metadata = try? PacketMetadata.parse(Array(json.utf8))
            {
                try Self.applySidecarRecord(metadata, db)
            }
            // Only this office's own outgoing documents take numbers in its agencies' series.
            if let year = Int(packet.issuedDate.prefix(4)) {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO documentNumber VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        packet.sender.rawValue, year, DocumentNumber.key(packet.codeNumber),
                        DocumentNumber.key(notation: packet.codeNotation), packet.packetId.rawValue,
                    ])
            }
        case .received(let packet, _):
            try apply(packet, at: record.at, db)
        case .delivered(let packetId, let recipient, let path):
            try db.execute(
                sql: "INSERT OR IGNORE INTO delivery VALUES (?, ?, ?, ?)",
                arguments: [packetId.rawValue, recipient.rawValue, record.at, path])
        case .completed(let packetId, _):
            try db.execute(
                sql: "UPDATE packet SET completed = 1, completedAt = COALESCE(completedAt, ?) WHERE packetId = ?",
                arguments: [record.at, packetId.rawValue])
        case .registered(let registration):
            let legal = String(decoding: JSONWriter.compactBytes(registration.documents), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO arrival (packetId, agency, year, series, number, registeredAt, late, legal, medium, receivedAt, receivedBy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    registration.packetId, registration.recipient.rawValue, registration.year, registration.series,
                    registration.number, record.at, registration.late, legal, registration.medium ?? "electronic",
                    registration.receivedAt, registration.receivedBy,
                ])
        case .status(let packetId, _, let recipient, let code, let late, let reason, _):
            try db.execute(
                sql: "INSERT OR IGNORE INTO status VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [packetId, recipient.rawValue, code, record.at, late, reason])
        case .refused(let packetId, let recipient, let reason, let message, _):
            try db.execute(
                sql: "INSERT OR IGNORE INTO refusal VALUES (?, ?, ?, ?, ?)",
                arguments: [packetId, recipient.rawValue, record.at, reason, message])
        case .verified(let packetId, let result, let detail, _):
            try db.execute(
                sql: "INSERT OR REPLACE INTO verification VALUES (?, ?, ?, ?)",
                arguments: [packetId, record.at, result, detail])
        case .rejected(let packetId, let agency, let names, let reason, let message):
            try db.execute(
                sql: "INSERT OR IGNORE INTO rejection VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    record.sequence, record.at, agency.rawValue, names.joined(separator: "\n"),
                    reason, message, packetId.rawValue,
                ])
            try db.execute(sql: "DELETE FROM documentNumber WHERE packetId = ?", arguments: [packetId.rawValue])
        case .redirected(let packetId, let from, let to):
            try db.execute(
                sql: "INSERT OR IGNORE INTO redirect VALUES (?, ?, ?, ?)",
                arguments: [packetId.rawValue, from.rawValue, to.rawValue, record.at])
            // The successor is a recipient of the packet from now on: it finds it, and its clerks see it.
            try db.execute(
                sql: "INSERT OR IGNORE INTO recipient VALUES (?, ?)", arguments: [packetId.rawValue, to.rawValue])
        case .undelivered(let packetId, let recipient, let reason, let by):
            try db.execute(
                sql: "INSERT OR IGNORE INTO undelivered VALUES (?, ?, ?, ?, ?)",
                arguments: [packetId.rawValue, recipient.rawValue, record.at, reason, by])
        case .admin(let action, let by, let reason, let target, let details):
            try applyHold(action: action, by: by, reason: reason, details: details, at: record.at, db)
            try applyRetry(action: action, details: details, sequence: record.sequence, db)
            try applyYearClose(action: action, details: details, sequence: record.sequence, at: record.at, db)
            try applyRecord(action: action, by: by, target: target, details: details, at: record.at, db)
            try applyHandover(action: action, details: details, sequence: record.sequence, at: record.at, db)
            try applyRetention(
                action: action, by: by, reason: reason, target: target, details: details, at: record.at, db)
        case .relocated(let agency, let folder, let packetId, let from, let to):
            try applyRelocation(
                agency: agency?.rawValue ?? "", folder: folder, packetId: packetId, from: from, to: to, at: record.at,
                db)
        case .setAside, .started, .stopped, .accessed:
            // Set aside: not a refusal of the document by its recipient. The others say nothing the index keeps.
            break
        }
    }

    /// The packet row of a `packed` or `received` record, and its recipients.
    private static func apply(_ packet: LedgerPacket, at: String, _ db: Database) throws {
        let id = packet.packetId.rawValue
        try db.execute(
            sql: """
                INSERT INTO packet (packetId, sender, codeNumber, codeNotation, issuedDate, typeName, subject, priority, secrecy,
                                    packedAt, archivePath, sha256, size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(packetId) DO UPDATE SET sender = excluded.sender, codeNumber = excluded.codeNumber,
                    codeNotation = excluded.codeNotation, issuedDate = excluded.issuedDate, typeName = excluded.typeName,
                    subject = excluded.subject, priority = excluded.priority, secrecy = excluded.secrecy, packedAt = excluded.packedAt,
                    archivePath = excluded.archivePath, sha256 = excluded.sha256, size = excluded.size
                """,
            arguments: [
                id, packet.sender.rawValue, packet.codeNumber, packet.codeNotation, packet.issuedDate, packet.typeName,
                packet.subject, packet.priority, packet.secrecy, packet.packedAt ?? at, packet.archive, packet.sha256,
                packet.size,
            ])
        // The journal (hash-chained, written as the packet was made) is the truth about a packet; a rebuild reads
        // the archive's sidecars first, and what the journal says replaces what a sidecar claimed.
        try db.execute(sql: "DELETE FROM recipient WHERE packetId = ?", arguments: [id])
        for recipient in packet.to {
            try db.execute(sql: "INSERT OR IGNORE INTO recipient VALUES (?, ?)", arguments: [id, recipient.rawValue])
        }
    }

    /// Reserves a document number for `packetId` (Decree 30/2020 Art 15: a number and symbol are used once a
    /// year by an agency). Returns the packet that already holds it, or nil when the reservation is `packetId`'s.
    public func reserve(_ number: DocumentNumber, for packetId: String) throws -> String? {
        try reserve([(number, packetId)])[0]
    }

    /// Reserves several numbers in one transaction, in order (the second of two equal numbers finds the first).
    public func reserve(_ requests: [(DocumentNumber, String)]) throws -> [String?] {
        try pool.write { db in
            try requests.map { number, packetId in
                let holder = try String.fetchOne(
                    db,
                    sql: """
                        SELECT packetId FROM documentNumber WHERE agency = ? AND year = ? AND number = ? AND notation = ?
                        """, arguments: [number.agency, number.year, number.number, number.notation])
                if let holder, holder != packetId { return holder }
                if holder == nil {
                    try db.execute(
                        sql: "INSERT INTO documentNumber VALUES (?, ?, ?, ?, ?)",
                        arguments: [number.agency, number.year, number.number, number.notation, packetId])
                }
                return nil
            }
        }
    }

    /// Gives back a number reserved for a packet that was not sent after all.
    public func release(packetId: String) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM documentNumber WHERE packetId = ?", arguments: [packetId])
        }
    }

    /// Whether a rejection of the claim `packetId` is recorded.
    public func hasRejection(packetId: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM rejection WHERE packetId = ?)", arguments: [packetId]) ?? false
        }
    }

    /// The last arrival number an agency gave in a year and series (0 before the first).
    public func lastArrivalNumber(agency: String, year: Int, series: String) throws -> Int64 {
        try pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MAX(number) FROM arrival WHERE agency = ? AND year = ? AND series = ?",
                arguments: [agency, year, series]) ?? 0
        }
    }

    /// The arrival number a packet got at an agency, if it is registered there.
    public func arrivalNumber(packetId: String, agency: String) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT number FROM arrival WHERE packetId = ? AND agency = ?", arguments: [packetId, agency])
        }
    }

    /// How a packet was registered at an agency when that was on paper: the arrival number, when the paper copy
    /// came and who took it; nil when it is not registered or was registered as it arrived electronically.
    public func paperArrival(packetId: String, agency: String) throws -> (
        number: Int64, receivedAt: String?, receivedBy: String?
    )? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT number, receivedAt, receivedBy FROM arrival WHERE packetId = ? AND agency = ? AND medium = 'paper'",
                arguments: [packetId, agency]
            )
            .map { ($0["number"], $0["receivedAt"], $0["receivedBy"]) }
        }
    }

    /// Whether a status with `code` about a packet from `agency` is recorded.
    public func hasStatus(packetId: String, agency: String, code: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM status WHERE packetId = ? AND agency = ? AND code = ?)",
                arguments: [packetId, agency, code]) ?? false
        }
    }

    /// The agencies whose receiving check refused a packet.
    public func refusals(_ packetId: String) throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT agency FROM refusal WHERE packetId = ?", arguments: [packetId]))
        }
    }

    /// Whether a packet's originals are recorded as filed under sent/.
    public func isCompleted(_ packetId: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT completed FROM packet WHERE packetId = ?", arguments: [packetId])
                ?? false
        }
    }

    /// Whether an archived packet is recorded.
    public func hasPacket(_ packetId: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM packet WHERE packetId = ?)", arguments: [packetId])
                ?? false
        }
    }

    /// The recipients a packet's delivery is recorded for, with when.
    public func deliveries(_ packetId: String) throws -> [String: Date] {
        try pool.read { db in
            var result: [String: Date] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT agency, deliveredAt FROM delivery WHERE packetId = ?", arguments: [packetId])
            {
                let at: String = row["deliveredAt"]
                result[row["agency"]] = Timestamp.parse(at) ?? Date()
            }
            return result
        }
    }

    /// How many packets, deliveries and rejections the index holds.
    public func counts() throws -> (packets: Int, deliveries: Int, rejections: Int) {
        try pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM packet") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rejection") ?? 0
            )
        }
    }

    /// Runs a read-only query (for commands and tests).
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}

/// A document's number and notation in its agency's yearly series, normalised for comparison.
public struct DocumentNumber: Sendable, Equatable {
    public let agency: String
    public let year: Int
    public let number: String
    public let notation: String

    public init(agency: AgencyCode, document: ClerkSidecar) {
        self.agency = agency.rawValue
        year = document.issuedDate.year
        number = Self.key(document.codeNumber)
        notation = Self.key(notation: document.codeNotation)
    }

    /// `"05"` and `"5"` are the same number.
    static func key(_ number: String) -> String {
        let trimmed = number.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// `"qđ-ubnd"` and `"QĐ-UBND"` are the same notation.
    static func key(notation: String) -> String { notation.precomposedNFC.uppercased() }
}
