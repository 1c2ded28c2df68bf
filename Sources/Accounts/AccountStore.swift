import Foundation
import GRDB
import Packets
import Synchronization

/// The accounts of the archive web UI, in `state/accounts.sqlite` (not in the index, which is rebuilt from the
/// journal). Passwords are kept only as bcrypt hashes.
public final class AccountStore: Sendable {
    private let database: DatabaseQueue
    private let cost: UInt8
    private let dummyHash = Mutex<String?>(nil)

    /// Opens (or creates) the accounts database at `path`. `cost` is bcrypt's cost; lower than the default only in
    /// tests, where a slow hash is not what is tested.
    public init(path: String, cost: UInt8 = PasswordPolicy.defaultCost) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        self.cost = cost
        var migrator = DatabaseMigrator()
        migrator.registerMigration("accounts-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE account (
                        name TEXT PRIMARY KEY NOT NULL,
                        role TEXT NOT NULL,
                        agency TEXT,
                        grants TEXT NOT NULL DEFAULT '',
                        passwordHash TEXT NOT NULL,
                        disabled INTEGER NOT NULL DEFAULT 0,
                        createdAt TEXT NOT NULL
                    )
                    """)
        }
        migrator.registerMigration("accounts-v2-credentials") { db in
            // When the password, the grants or the enabled state last changed: sessions older than that end.
            try db.execute(sql: "ALTER TABLE account ADD COLUMN credentialsChangedAt TEXT NOT NULL DEFAULT ''")
        }
        try migrator.migrate(database)
    }

    /// Adds an account; clerks must name their agency (one of `knownAgencies` when given). Names are
    /// case-insensitive: `Hoa` and `hoa` are one account, kept in lower case.
    public func add(
        name: String, role: Role, agency: String?, grants: Set<Secrecy>, password: String, now: Date = Date(),
        knownAgencies: Set<String>? = nil
    ) throws {
        let name = Self.key(name)
        guard Self.isValidName(name) else { throw AccountError.invalidName(name) }
        let typed = agency?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if role == .clerk, typed == nil { throw AccountError.agencyRequired }
        var agency: String?
        if let typed {
            guard let code = AgencyCode(typed) else { throw AccountError.invalidAgency(typed) }
            if let knownAgencies, !knownAgencies.contains(code.rawValue) { throw AccountError.invalidAgency(typed) }
            agency = code.rawValue
        }
        try PasswordPolicy.check(password)
        let hash = PasswordPolicy.hash(password, cost: cost)
        let created = Account.stamp(now)
        try database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE name = ?", arguments: [name]) == true {
                throw AccountError.exists(name)
            }
            try db.execute(
                sql: """
                    INSERT INTO account (name, role, agency, grants, passwordHash, disabled, createdAt, credentialsChangedAt)
                    VALUES (?, ?, ?, ?, ?, 0, ?, ?)
                    """,
                arguments: [
                    name, role.rawValue, agency, grants.sorted().map(\.rawValue).joined(separator: ","), hash, created,
                    created,
                ])
        }
    }

    /// Every account, by name.
    public func list() throws -> [Account] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY name").compactMap(Self.account)
        }
    }

    /// The account `name`, or nil.
    public func account(named name: String) throws -> Account? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [Self.key(name)]).flatMap(
                Self.account)
        }
    }

    /// Disables the account `name`: it can no longer sign in, and its sessions end.
    public func disable(_ name: String, now: Date = Date()) throws {
        try update(name, "disabled = 1", [], now: now)
    }

    /// Enables the account `name` again.
    public func enable(_ name: String, now: Date = Date()) throws {
        try update(name, "disabled = 0", [], now: now)
    }

    /// Replaces the secrecy levels `name` may see; its sessions end (they were opened with the old grants).
    public func setGrants(_ name: String, _ grants: Set<Secrecy>, now: Date = Date()) throws {
        try update(name, "grants = ?", [grants.sorted().map(\.rawValue).joined(separator: ",")], now: now)
    }

    private func update(_ name: String, _ assignment: String, _ values: [String], now: Date) throws {
        let changed = Account.stamp(now)
        try database.write { db in
            try db.execute(
                sql: "UPDATE account SET \(assignment), credentialsChangedAt = ? WHERE name = ?",
                arguments: StatementArguments(values + [changed, Self.key(name)]))
            if db.changesCount == 0 { throw AccountError.unknown(name) }
        }
    }

    /// Sets a new password for `name`; the sessions opened with the old one end.
    public func setPassword(_ name: String, to password: String, now: Date = Date()) throws {
        try PasswordPolicy.check(password)
        try update(name, "passwordHash = ?", [PasswordPolicy.hash(password, cost: cost)], now: now)
    }

    /// The enabled account `name` when `password` is its password, else nil. An unknown or disabled name costs a
    /// bcrypt check too, so the answer's timing does not tell which names exist.
    public func authenticate(_ name: String, password: String) throws -> Account? {
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [Self.key(name)])
        }
        guard let row, let account = Self.account(row), !account.disabled else {
            _ = PasswordPolicy.verify(password, hash: dummy())
            return nil
        }
        let hash: String = row["passwordHash"]
        return PasswordPolicy.verify(password, hash: hash) ? account : nil
    }

    private func dummy() -> String {
        if let hash = dummyHash.withLock({ $0 }) { return hash }
        let hash = PasswordPolicy.hash(UUID().uuidString, cost: cost)
        dummyHash.withLock { $0 = hash }
        return hash
    }

    static func account(_ row: Row) -> Account? {
        guard let role = Role(rawValue: row["role"]) else { return nil }
        let grants: String = row["grants"]
        return Account(
            name: row["name"], role: role, agency: row["agency"],
            grants: Set(grants.split(separator: ",").compactMap { Secrecy(rawValue: String($0)) }),
            disabled: row["disabled"], createdAt: row["createdAt"],
            credentialsChangedAt: row["credentialsChangedAt"] ?? "")
    }

    /// Login names are case-insensitive.
    static func key(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }

    /// Login names: 1 to 64 ASCII letters, digits, `.`, `-`, `_`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
