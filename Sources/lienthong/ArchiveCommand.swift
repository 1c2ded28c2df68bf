import Archivist
import ArgumentParser
import Foundation
import Ledger
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong archive search|show|extract|verify`: the archivist's view of the archive.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Search, show, extract and verify archived packets.",
        subcommands: [Search.self, Show.self, Extract.self, Verify.self]
    )

    static func desk(_ spool: SpoolOptions) throws -> ArchiveDesk {
        let layout = try spool.existingLayout()
        do {
            return try ArchiveDesk(spool: layout)
        } catch {
            throw CommandFailure("cannot open the archive index: \(error)", code: 2)
        }
    }

    /// Who runs the command (for the journal of access to secret documents).
    static var user: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find packets by any words of their metadata (accents, case and đ/d do not matter) and filters.",
            discussion: """
                Words must all match; "quoted words" must match as a phrase. `quyet dinh` finds "Quyết định", \
                `dong hung` finds "Đông Hưng". Searched: number and notation, type, subject, signer, sender and \
                recipients (codes and names), file names and the other sidecar fields. Newest first.
                """
        )

        @Argument(help: "Words or \"phrases\" to find (may be empty with filters).")
        var query: [String] = []

        @Option(help: "The sender: an agency code or words of its name.")
        var sender: String?
        @Option(help: "A recipient agency code.")
        var recipient: String?
        @Option(help: "The document type (Quyết định, Công văn …).")
        var type: String?
        @Option(help: "Issued on or after this date (YYYY-MM-DD).")
        var from: String?
        @Option(help: "Issued on or before this date (YYYY-MM-DD).")
        var to: String?
        @Option(help: "Urgency: thuong, khan, thuong-khan, hoa-toc, hoa-toc-hen-gio.")
        var priority: String?
        @Option(help: "Secrecy: mat, toi-mat, tuyet-mat, or none.")
        var secrecy: String?
        @Option(help: "Number and notation, or the number alone (125/QĐ-UBND, 125).")
        var number: String?
        @Option(help: "At most this many results.")
        var limit = 50
        @Option(help: "Skip this many results (for paging).")
        var offset = 0
        @Flag(help: "Answer as JSON.")
        var json = false
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            func date(_ text: String?, _ option: String) throws -> CalendarDate? {
                guard let text else { return nil }
                guard let date = CalendarDate(iso: text) else {
                    throw CommandFailure("--\(option) \(text): write YYYY-MM-DD", code: 2)
                }
                return date
            }
            guard (1...1000).contains(limit) else { throw CommandFailure("--limit \(limit): from 1 to 1000", code: 2) }
            guard (0...100_000_000).contains(offset) else {
                throw CommandFailure("--offset \(offset): from 0 to 100000000", code: 2)
            }
            if let priority, Priority(rawValue: priority) == nil {
                throw CommandFailure(
                    "--priority \(priority): one of \(Priority.allCases.map(\.rawValue).joined(separator: ", "))",
                    code: 2)
            }
            if let secrecy, secrecy != "none", Secrecy(rawValue: secrecy) == nil {
                throw CommandFailure(
                    "--secrecy \(secrecy): one of \(Secrecy.allCases.map(\.rawValue).joined(separator: ", ")), none",
                    code: 2)
            }
            let query = ArchiveQuery(
                text: self.query.joined(separator: " "), sender: sender, recipient: recipient, typeName: type,
                issuedFrom: try date(from, "from"), issuedTo: try date(to, "to"), priority: priority,
                secrecy: secrecy, number: number, limit: limit, offset: offset)
            let archive = try ArchiveCommand.desk(spool)
            let results = try archive.index.search(query)
            if json {
                print(try ArchiveCommand.json(results))
                return
            }
            let shown =
                results.hits.isEmpty
                ? (results.total > 0 ? ", none at offset \(offset)" : "")
                : results.total > results.hits.count ? ", showing \(offset + 1)–\(offset + results.hits.count)" : ""
            print("\(results.total) packet(s) found" + shown)
            let ids = results.hits.map(\.packetId)
            let destroyed = try archive.index.tombstones(ids)
            let handed = try archive.index.handedOver(ids)
            for hit in results.hits {
                let secret = hit.secrecy.flatMap { Secrecy(rawValue: $0)?.label.uppercased() }.map { " [\($0)]" } ?? ""
                let state =
                    destroyed[hit.packetId].map { " [ĐÃ HUỶ — destroyed \($0.at), \($0.disposal)]" }
                    ?? handed[hit.packetId].map { " [ĐÃ NỘP LƯU — handed over \($0.at)]" } ?? ""
                print(
                    "\(hit.packetId)  \(hit.issuedDate)  \(hit.numberAndNotation)  \(hit.typeName): \(hit.subject)\(secret)\(state)"
                )
                print("    from \(hit.sender) \(hit.senderName) to \(hit.recipients.joined(separator: ", "))")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one packet: metadata, files, deliveries, receipts.")

        @Argument(help: "The packet id.")
        var packet: String
        @Flag(help: "Answer as JSON.")
        var json = false
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let desk = try ArchiveCommand.desk(spool)
            guard let record = try desk.index.record(packet) else {
                throw CommandFailure("no packet \(packet) in the archive index", code: 2)
            }
            try desk.recordAccess(
                record, user: ArchiveCommand.user, role: "admin", action: "view", file: nil, via: "cli")
            if json {
                print(try ArchiveCommand.json(record))
                return
            }
            let hit = record.hit
            var lines = [
                "packet:     \(hit.packetId)",
                "document:   \(hit.numberAndNotation) of \(hit.issuedDate) — \(hit.typeName): \(hit.subject)",
                "from:       \(hit.sender) \(hit.senderName)" + (hit.signer.isEmpty ? "" : ", signed by \(hit.signer)"),
                "to:         \(hit.recipients.joined(separator: ", "))",
                "urgency:    \(Priority(rawValue: hit.priority)?.label ?? hit.priority)"
                    + (hit.secrecy.map { ", secrecy: \(Secrecy(rawValue: $0)?.label ?? $0)" } ?? ""),
                "archived:   \(record.archivePath) at \(hit.packedAt)" + (record.sha256.map { ", sha256 \($0)" } ?? ""),
            ]
            for file in record.files {
                lines.append("file:       \(file.name) (\(file.size) bytes, \(file.mediaType), sha256 \(file.sha256))")
            }
            for delivery in record.deliveries {
                lines.append("delivered:  \(delivery.agency) at \(delivery.at)")
                if delivery.movedFrom != nil { lines.append("            now in \(delivery.path) (rotate)") }
            }
            for arrival in record.arrivals {
                lines.append(
                    "registered: \(arrival.agency) arrival no. \(arrival.number) (\(arrival.year), \(arrival.series)) at \(arrival.registeredAt)"
                        + (arrival.medium == "paper" ? ", on paper" : "") + (arrival.late ? ", late" : ""))
            }
            for status in record.statuses {
                lines.append(
                    "status:     \(status.code) from \(status.agency) at \(status.at)"
                        + (status.reason.map { ": \($0)" } ?? ""))
            }
            for refusal in record.refusals {
                lines.append("refused:    \(refusal.agency) at \(refusal.at): \(refusal.reason) — \(refusal.message)")
            }
            for (agency, fileCode) in try desk.index.recordsOf(packet: hit.packetId).sorted(by: { $0.key < $1.key }) {
                lines.append("record:     \(fileCode) (\(agency))")
            }
            if let tombstone = try desk.index.tombstones([hit.packetId])[hit.packetId] {
                lines.append(
                    "destroyed:  at \(tombstone.at) by disposal \(tombstone.disposal) (past its retention; tombstone kept)"
                )
            }
            if let handed = try desk.index.handedOver([hit.packetId])[hit.packetId] {
                lines.append("handed over: to the agency archive at \(handed.at) (record \(handed.fileCode))")
            }
            lines.append(
                "state:      "
                    + (record.completed
                        ? "done: every recipient delivered or refused; originals filed under sent/"
                        : "in progress: some recipients not reached yet"))
            print(lines.joined(separator: "\n"))
        }
    }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a packet, then extract its documents and metadata.json into DIR/<packet-id>/.",
            discussion:
                "Nothing is written when the packet fails verification (exit 1). Names are checked before anything is written."
        )

        @Argument(help: "The packet id.")
        var packet: String
        @Option(help: "The folder to extract into.")
        var to: String
        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            do {
                let desk = try ArchiveCommand.desk(spool)
                if let record = try desk.index.record(packet) {
                    try desk.recordAccess(
                        record, user: ArchiveCommand.user, role: "admin", action: "extract", file: nil, via: "cli")
                }
                let (report, path) = try desk.extract(packet, to: to)
                print("verified and extracted \(report.files?.count ?? 0) file(s) into \(path)")
            } catch let error as ArchiveDesk.ExtractError {
                if case .unknown = error { throw CommandFailure(error.description, code: 2) }
                throw CommandFailure(error.description + " — nothing was extracted")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Fixity: check archived packets against the SHA-256 recorded when they were archived, and verify them.",
            discussion: """
                Reports packets changed (hash differs or the packet no longer verifies), missing (file or sidecar \
                gone) and, with --all, files in archive/ the index does not know (untracked). Exit 0 when all is \
                intact, 1 otherwise.
                """
        )

        @Argument(help: "Packet ids to check.")
        var packets: [String] = []
        @Flag(help: "Check every archived packet and look for untracked files.")
        var all = false
        @Flag(help: "Answer as JSON.")
        var json = false
        @OptionGroup
        var spool: SpoolOptions

        func validate() throws {
            guard all != !packets.isEmpty else { throw ValidationError("give packet ids or --all (not both)") }
        }

        func run() throws {
            let desk = try ArchiveCommand.desk(spool)
            let bar = ProgressBar()
            let report: FixityReport
            do {
                report = try desk.fixity(all ? nil : packets) { bar.show($0, of: $1) }
            } catch let error as ArchiveDesk.ExtractError {
                if case .unknown = error { throw CommandFailure(error.description, code: 2) }
                throw CommandFailure(error.description)
            }
            bar.finish()
            if json {
                print(try ArchiveCommand.json(report))
            } else {
                print(
                    "\(report.checked) packet(s) checked: \(report.intact) intact, \(report.changed.count) changed, "
                        + "\(report.missing.count) missing"
                        + (all ? ", \(report.untracked.count) untracked file(s)" : "")
                        + (report.closedYears.isEmpty ? "" : ", \(report.closedYears.count) change(s) in closed years"))
                for problem in report.changed + report.missing {
                    print("\(problem.kind.uppercased()): \(problem.packetId) \(problem.path) — \(problem.detail)")
                }
                for path in report.untracked { print("UNTRACKED: \(path)") }
                for problem in report.closedYears {
                    print("CLOSED YEAR \(problem.kind): \(problem.path) — \(problem.detail)")
                }
            }
            if !report.ok { throw ExitCode(1) }
        }
    }
}

/// A progress bar on standard error: redrawn in place on a terminal, a line every tenth otherwise.
final class ProgressBar {
    let terminal = isatty(STDERR_FILENO) == 1
    var lastTenth = -1

    func show(_ done: Int, of total: Int) {
        guard total > 0 else { return }
        if terminal {
            let width = 30
            let filled = done * width / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total) packets".utf8))
        } else if done * 10 / total != lastTenth {
            lastTenth = done * 10 / total
            FileHandle.standardError.write(Data("verified \(done)/\(total) packets\n".utf8))
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
