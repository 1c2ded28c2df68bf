import Admin
import ArgumentParser
import Foundation
import Packets
import Spool

/// `lienthong agency add|rename|merge|retire|show`: the agencies the office serves, changed through time (a contract:
/// tests outside the project call these names and options).
struct AgencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Add, rename, merge and retire agencies; show an agency's history.",
        discussion: """
            Every change is journaled as an admin action (who, when, what, why: --reason), prints what it changes \
            (--dry-run: only that), and is refused, changing nothing, when it would break something. A running \
            daemon picks it up without a restart. From a retirement's time on, documents addressed to the retired \
            code go to its successor (the sender's status says so), deliveries waiting for it go there too, and its \
            outbox is closed with a notice; its archive stays findable under its old code and name.
            """,
        subcommands: [Add.self, Rename.self, Merge.self, Retire.self, Show.self]
    )

    /// The certificate options of `add` and `merge` (for a new successor).
    struct CredentialOptions: ParsableArguments {
        @Option(help: "The agency's certificate (PEM) from its CA; without it, a new key and a CSR are made.")
        var cert: String?
        @Option(help: "The agency's private key (PEM), when this office signs for it.")
        var key: String?
        @Option(help: "A file holding the key's passphrase, when the key is encrypted.")
        var keyPassphraseFile: String?
        @Option(help: "Deliver to this folder (a mounted share) instead of agencies/CODE/inbox.")
        var inbox: String?

        func credentials() throws -> AgencyAdmin.Credentials? {
            if let cert { return .given(certificate: cert, key: key, passphraseFile: keyPassphraseFile) }
            if key != nil {
                throw CommandFailure("--key needs --cert (the certificate of that key) — --key cần --cert", code: 2)
            }
            return nil
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an agency: its folders, agency.yaml, and a given certificate or a new key with a CSR.")
        @Argument(help: "The agency's code, NNN.NN.NN.Xnn.") var code: String
        @Option(help: "The agency's name (Vietnamese, as it is written).") var name: String
        @OptionGroup var credentials: CredentialOptions
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in
                try AgencyAdmin(session: session).add(
                    try AdminArguments.code(code), name: name, credentials: try credentials.credentials() ?? .newKey,
                    inbox: credentials.inbox)
            }
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename an agency (the former name is kept); with --code, it goes on under a new code.")
        @Argument(help: "The agency's code.") var code: String
        @Option(help: "The new name.") var name: String?
        @Option(name: .customLong("code"), help: "A new code: the old one retires now, with the new one as successor.")
        var newCode: String?
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in
                try AgencyAdmin(session: session).rename(
                    try AdminArguments.code(code), name: name,
                    code: try newCode.map { try AdminArguments.code($0, "--code") })
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge agencies into a successor (added with --name when it is new), now or --at a time.")
        @Argument(help: "The agencies merged (they retire).") var olds: [String]
        @Option(help: "The successor's code.") var into: String
        @Option(help: "When: now (default), 2025-07-01T00:00:00+07:00, or a date and time in the office's zone.")
        var at: String?
        @Option(help: "The successor's name, when it is a new agency.") var name: String?
        @OptionGroup var credentials: CredentialOptions
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in
                try AgencyAdmin(session: session).merge(
                    try olds.map { try AdminArguments.code($0, "OLD") }, into: try AdminArguments.code(into, "--into"),
                    at: try AdminArguments.time(at, session), name: name, credentials: try credentials.credentials(),
                    inbox: credentials.inbox)
            }
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire an agency, now or --at a time ahead (scheduled), with its successor.")
        @Argument(help: "The agency's code.") var code: String
        @Option(help: "Who receives what is addressed to it from then on (none: such documents are returned).")
        var successor: String?
        @Option(help: "When: now (default), 2025-07-01T00:00:00+07:00, or a date and time in the office's zone.")
        var at: String?
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in
                try AgencyAdmin(session: session).retire(
                    try AdminArguments.code(code),
                    successor: try successor.map { try AdminArguments.code($0, "--successor") },
                    at: try AdminArguments.time(at, session))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An agency's history: names, codes, dates, successor, predecessors, certificates, admin actions.")
        @Argument(help: "The agency's code.") var code: String
        @Flag(help: "Print it as JSON.") var json = false
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try AdminOptions.run {
                let layout = try spool.existingLayout()
                let config =
                    (try? OfficeConfig.load(layout.officeConfig)) ?? OfficeConfig()
                let history = try AgencyHistory.load(try AdminArguments.code(code), spool: layout, now: Date())
                if json {
                    FileHandle.standardOutput.write(
                        Data(JSONWriter.bytes(history.json(timeZone: config.calendar.timeZone))))
                } else {
                    print(history.text(timeZone: config.calendar.timeZone, now: Date()), terminator: "")
                }
            }
        }
    }
}
