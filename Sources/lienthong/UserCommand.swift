import Accounts
import ArgumentParser
import Foundation
import Packets
import Spool
import Web

/// `lienthong user add|list|disable|enable|grant|passwd`: the accounts of the archive web UI (`state/accounts.sqlite`).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the accounts of the archive web UI.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Grant.self, Passwd.self]
    )

    static func store(_ spool: SpoolOptions) throws -> AccountStore {
        let layout = try spool.existingLayout()
        try FileManager.default.createDirectory(atPath: layout.state, withIntermediateDirectories: true)
        return try AccountStore(path: WebSettings.accountsPath(layout))
    }

    /// The password: the first line of standard input, never echoed (nothing is printed back).
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandFailure(
                """
                Chưa có mật khẩu: ghi mật khẩu ở dòng đầu của đầu vào chuẩn, ví dụ \
                printf '%s\\n' 'mat-khau' | lienthong user add TÊN --role archivist
                No password on standard input: give it as the first line (it is never echoed).
                """, code: 2)
        }
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        do {
            try PasswordPolicy.check(password)
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
        return password
    }

    /// The agencies of the spool, by code: a clerk's agency must be one of them.
    static func agencies(_ spool: SpoolOptions) throws -> Set<String> {
        do {
            return Set(try AgencyDirectory.load(spool.layout).agencies.keys.map(\.rawValue))
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
    }

    /// `mat,toi-mat` as secrecy levels.
    static func grants(_ text: String?) throws -> Set<Secrecy> {
        var grants = Set<Secrecy>()
        for word in (text ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !word.isEmpty {
            guard let level = Secrecy(rawValue: word) else {
                let levels = Secrecy.allCases.map(\.rawValue).joined(separator: ", ")
                throw CommandFailure(
                    "--grant \(word): không có độ mật này (ghi một trong: \(levels)) — one of \(levels)", code: 2)
            }
            grants.insert(level)
        }
        return grants
    }

    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as AccountError {
            throw CommandFailure(error.description, code: 1)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; its password is the first line of stdin.")

        @Argument(help: "The login name (letters, digits, '.', '-', '_').")
        var name: String
        @Option(help: "clerk (văn thư), archivist (lưu trữ) or admin (quản trị).")
        var role: Role
        @Option(help: "The clerk's agency code (required for clerks).")
        var agency: String?
        @Option(help: "Secrecy levels the account may see: mat,toi-mat,tuyet-mat.")
        var grant: String?
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let grants = try UserCommand.grants(grant)
            let store = try UserCommand.store(spool)
            let known = try UserCommand.agencies(spool)
            let password = try UserCommand.readPassword()
            try UserCommand.run {
                try store.add(
                    name: name, role: role, agency: agency, grants: grants, password: password, knownAgencies: known)
            }
            print("Đã tạo tài khoản \(name) (\(role.label)) — account added")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            for account in try UserCommand.store(spool).list() {
                let grants = account.grantList.isEmpty ? "-" : account.grantList
                print(
                    "\(account.name)\t\(account.role.rawValue)\t\(account.agency ?? "-")\t\(grants)\t\(account.disabled ? "disabled" : "enabled")\t\(account.createdAt)"
                )
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer sign in.")
        @Argument(help: "The login name.")
        var name: String
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let store = try UserCommand.store(spool)
            try UserCommand.run { try store.disable(name) }
            print("Đã khóa tài khoản \(name) — account disabled")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument(help: "The login name.")
        var name: String
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let store = try UserCommand.store(spool)
            try UserCommand.run { try store.enable(name) }
            print("Đã mở lại tài khoản \(name) — account enabled")
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the secrecy levels an account may see (replacing the old ones; its sessions end).")
        @Argument(help: "The login name.")
        var name: String
        @Option(help: "Secrecy levels: mat,toi-mat,tuyet-mat; empty for none.")
        var grant: String
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let grants = try UserCommand.grants(grant)
            let store = try UserCommand.store(spool)
            try UserCommand.run { try store.setGrants(name, grants) }
            print(
                "Đã cập nhật quyền xem văn bản mật của \(name): \(grants.isEmpty ? "không" : grants.sorted().map(\.label).joined(separator: ", ")) — grants set"
            )
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's password from the first line of stdin.")
        @Argument(help: "The login name.")
        var name: String
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let store = try UserCommand.store(spool)
            let password = try UserCommand.readPassword()
            try UserCommand.run { try store.setPassword(name, to: password) }
            print("Đã đổi mật khẩu của \(name) — password changed")
        }
    }
}

extension Role: ExpressibleByArgument {}
