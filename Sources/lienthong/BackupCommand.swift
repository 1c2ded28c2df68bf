import Admin
import ArgumentParser
import Foundation
import Packets

/// `lienthong backup create --to DIR | verify DIR | list DIR` (a contract: tests outside the project call these).
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back the office up at one point in time, while it runs; verify and list backups.",
        discussion: """
            A completed backup is a folder DIR/lienthong-backup-<UTC time>/ (written under a hidden name, renamed \
            when complete): the index and accounts (SQLite online backup), the journal up to a record, the archive \
            files it knows, the fallback folder, trust store, agencies' configuration and certificates, years/ and \
            disposals/; every file's SHA-256 in manifest-sha256.txt, signed, and version.json. Archive files the \
            previous backup holds unchanged are hard-linked. Private keys are not included.
            """,
        subcommands: [Create.self, Verify.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a backup in DIR.")
        @Option(help: "The folder the backups are kept in.") var to: String
        @OptionGroup var admin: AdminOptions
        func run() throws {
            try AdminOptions.run { _ = try Backup(session: try admin.session()).create(in: to) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup: the manifest's signature, every file's SHA-256, the journal's chain (exit 1).")
        @Argument(help: "The backup's folder.") var folder: String
        func run() throws {
            let problems = try Backup.verify(folder)
            guard problems.isEmpty else {
                for problem in problems { print("PROBLEM: \(problem)") }
                throw CommandFailure("the backup \(folder) does not verify: \(problems.count) problem(s)")
            }
            print("backup intact: \(folder)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The completed backups in DIR, oldest first.")
        @Argument(help: "The folder the backups are kept in.") var folder: String
        func run() throws {
            for backup in try Backup.completed(in: folder) {
                let journal =
                    backup.version?["journal"]?["sequence"]?.integerValue.map { "journal to record \($0)" } ?? ""
                let at = backup.version?["createdAt"]?.stringValue ?? ""
                print("\(backup.name)  \(at)  \(journal)")
            }
        }
    }
}
