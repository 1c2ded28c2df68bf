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
            try db.execute(sql: """
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
        try migrator.migrate(database)
    }

    /// Adds an account; clerks must name their agency.
    public func add(name: String, role: Role, agency: String?, grants: Set<Secrecy>, password: String, now: Date = Date()) throws {
        guard Self.isValidName(name) else { throw AccountError.invalidName(name) }
        let agency = agency?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if role == .clerk, agency == nil { throw AccountError.agencyRequired }
        if let agency, AgencyCode(agency) == nil { throw AccountError.invalidAgency(agency) }
        try PasswordPolicy.check(password)
        let hash = PasswordPolicy.hash(password, cost: cost)
        let created = ISO8601DateFormatter().string(from: now)
        try database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE name = ?", arguments: [name]) == true {
                throw AccountError.exists(name)
            }
            try db.execute(sql: "INSERT INTO account (name, role, agency, grants, passwordHash, disabled, createdAt) VALUES (?, ?, ?, ?, ?, 0, ?)",
                           arguments: [name, role.rawValue, agency, grants.sorted().map(\.rawValue).joined(separator: ","), hash, created])
        }
    }

    /// Every account, by name.
    public func list() throws -> [Account] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY name").compactMap(Self.account) }
    }

    /// The account `name`, or nil.
    public func account(named name: String) throws -> Account? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]).flatMap(Self.account) }
    }

    /// Disables the account `name`: it can no longer sign in.
    public func disable(_ name: String) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE account SET disabled = 1 WHERE name = ?", arguments: [name])
            if db.changesCount == 0 { throw AccountError.unknown(name) }
        }
    }

    /// Sets a new password for `name`.
    public func setPassword(_ name: String, to password: String) throws {
        try PasswordPolicy.check(password)
        let hash = PasswordPolicy.hash(password, cost: cost)
        try database.write { db in
            try db.execute(sql: "UPDATE account SET passwordHash = ? WHERE name = ?", arguments: [hash, name])
            if db.changesCount == 0 { throw AccountError.unknown(name) }
        }
    }

    /// The enabled account `name` when `password` is its password, else nil. An unknown or disabled name costs a
    /// bcrypt check too, so the answer's timing does not tell which names exist.
    public func authenticate(_ name: String, password: String) throws -> Account? {
        let row = try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]) }
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
        return Account(name: row["name"], role: role, agency: row["agency"],
                       grants: Set(grants.split(separator: ",").compactMap { Secrecy(rawValue: String($0)) }),
                       disabled: row["disabled"], createdAt: row["createdAt"])
    }

    /// Login names: 1 to 64 ASCII letters, digits, `.`, `-`, `_`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
