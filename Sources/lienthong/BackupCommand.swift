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
            previous backup holds unchanged are hard-linked. Private keys only with --include-keys, each sealed \
            as CMS EnvelopedData under the passphrase in --passphrase-file (openssl cms -decrypt -pwri_password \
            opens them). --keep N removes the oldest completed backups of this spool beyond N. Journaled (admin backup.create).
            """,
        subcommands: [Create.self, Verify.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a backup in DIR.")
        @Option(help: "The folder the backups are kept in.") var to: String
        @Flag(help: "Carry the agencies' private keys too, sealed under the passphrase of --passphrase-file.")
        var includeKeys = false
        @Option(help: "A file whose first line is the passphrase (12 characters or more) that seals the keys.")
        var passphraseFile: String?
        @Option(help: "Keep this many completed backups in the folder: the oldest beyond are removed.")
        var keep: Int?
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            if includeKeys && passphraseFile == nil {
                throw ValidationError(
                    "--include-keys needs --passphrase-file FILE (never a passphrase on the command line)")
            }
            if !includeKeys && passphraseFile != nil {
                throw ValidationError("--passphrase-file goes with --include-keys")
            }
        }

        func run() throws {
            try AdminOptions.run {
                _ = try Backup(session: try admin.session()).create(
                    in: to, keys: includeKeys ? passphraseFile.map { .file($0) } : nil, keep: keep)
            }
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

/// `lienthong restore --from BACKUP --spool NEW` (a contract): a verified backup made into a new spool.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a completed backup into a new spool (a new or empty folder only).",
        discussion: """
            The backup is verified first and refused if any file, the manifest's signature or the journal's chain \
            is wrong. The index is migrated to this release and caught up with the journal; the clerks' folders are \
            made empty (what they held is in the archive); the restore is journaled in the new spool. A backup made \
            with --include-keys needs --passphrase-file (or --without-keys). Afterwards: `lienthong doctor`, \
            `lienthong archive verify --all`, then start the daemon: numbers go on from where the backup ends.
            """)

    @Option(help: "The completed backup's folder (DIR/lienthong-backup-…).") var from: String
    @Option(help: "The new spool: a folder that does not exist yet, or is empty.") var spool: String
    @Option(help: "A file whose first line is the passphrase the backup's keys were sealed under.")
    var passphraseFile: String?
    @Flag(help: "Restore a backup holding keys without them (copy the keys from elsewhere).") var withoutKeys = false
    @Option(help: "Why (written into the journal).") var reason: String?
    @Flag(help: "Check the backup and print what would be restored; write nothing.") var dryRun = false

    func run() throws {
        try AdminOptions.run {
            _ = try Restore(
                backup: from, target: spool, passphrase: passphraseFile.map { .file($0) }, withoutKeys: withoutKeys,
                reason: reason ?? AdminSession.noReason, dryRun: dryRun, say: { print($0) }
            ).run()
        }
    }
}
