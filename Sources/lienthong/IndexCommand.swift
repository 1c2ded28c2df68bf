import ArgumentParser
import Foundation
import Ledger
import Spool

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Maintain the SQLite index of the archive and the journal.",
        subcommands: [Rebuild.self]
    )

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the index from the archive's sidecars and the journal alone.")

        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let layout = spool.layout
            let journal = try Journal(path: layout.state + "/journal.jsonl")
            let summary: LedgerIndex.RebuildSummary
            do {
                summary = try LedgerIndex.rebuild(
                    at: layout.state + "/index.sqlite", archive: layout.archive,
                    spoolRoot: layout.root, journal: journal)
            } catch let error as JournalRecordError {
                // Never rebuilt past a record it cannot apply: the index would silently lack what that record says.
                throw CommandFailure("index not rebuilt: \(error)")
            }
            print(
                "Index rebuilt from \(summary.sidecars) archive sidecar(s) and \(summary.journalRecords) journal record(s): "
                    + "\(summary.packets) packet(s), \(summary.deliveries) deliveries, \(summary.rejections) rejection(s)."
            )
        }
    }
}

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Inspect the office's hash-chained journal.",
        subcommands: [Verify.self, Show.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every record carries the SHA-256 of the one before (exit 1 at the first break).")

        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let layout = spool.layout
            let path = layout.state + "/journal.jsonl"
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure("no journal at \(path)", code: 2)
            }
            do {
                let journal = try Journal(path: path, repairing: false)
                let count = try journal.verifyChain()
                let segments = try journal.segments()
                let sealed =
                    segments.isEmpty
                    ? "" : "; \(segments.count) sealed month(s) in state/journal/, each as its journal.seal record says"
                print("journal intact: \(count) record(s), each carrying the SHA-256 of the one before\(sealed)")
            } catch let error as JournalChainError {
                throw CommandFailure("journal broken: \(error)")
            } catch let error as JournalRecordError {
                throw CommandFailure("journal unreadable: \(error)")
            }
        }
    }
}
