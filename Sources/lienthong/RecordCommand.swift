import Archivist
import ArgumentParser
import DurableIO
import Foundation
import Ledger
import Packets

/// `lienthong record create|set|add|remove|show|list`: records (hồ sơ) and the year's list of records.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Records (hồ sơ, Decree 30/2020 App. VI): make, describe, fill, show, list (danh mục hồ sơ).",
        discussion: """
            A record's code (FileCode) is its agency's code, its year and its notation: 000.00.00.H53.2026.05-TCCB. \
            A clerk's sidecar may name the record of a document ("fileCode": "05-TCCB"); archivists make records, \
            set their fields and move packets between them here or on the web page. Each change is journaled.
            """,
        subcommands: [Create.self, Set.self, Add.self, Remove.self, Show.self, List.self]
    )

    /// The App. VI fields as options.
    struct Fields: ParsableArguments {
        @Option(help: "Tiêu đề hồ sơ (the record's title).") var title: String?
        @Option(help: "Thời hạn bảo quản: \"Vĩnh viễn\", \"70 năm\", \"20 năm\", \"10 năm\", \"5 năm\".")
        var maintenance: String?
        @Option(help: "Chế độ sử dụng (rights).") var rights: String?
        @Option(help: "Người lập hồ sơ (who keeps it).") var creator: String?
        @Option(help: "Ngôn ngữ (default Tiếng Việt).") var language: String?
        @Option(help: "Chú giải (description).") var description: String?

        var values: [String: String] {
            var values: [String: String] = [:]
            for (key, value) in [
                ("title", title), ("maintenance", maintenance), ("rights", rights), ("creator", creator),
                ("language", language), ("description", description),
            ] {
                if let value { values[key] = value }
            }
            return values
        }
    }

    static func run(_ spool: SpoolOptions, _ body: (RecordDesk) throws -> Void) throws {
        let desk = try ArchiveCommand.desk(spool)
        do {
            try body(RecordDesk(desk: desk, actor: ArchiveCommand.user))
        } catch let refusal as RecordDesk.Refusal {
            throw CommandFailure(refusal.description)
        }
    }

    static func show(_ record: FileRecord) {
        print("\(record.fileCode)  \(record.title.isEmpty ? "(chưa có tiêu đề — no title yet)" : record.title)")
        for (label, value) in [
            ("Thời hạn bảo quản", record.maintenance), ("Chế độ sử dụng", record.rights),
            ("Người lập hồ sơ", record.creator), ("Ngôn ngữ", record.language), ("Chú giải", record.description),
            ("Thời gian", [record.startDate, record.endDate].compactMap { $0 }.joined(separator: " – ")),
            ("Số văn bản / số trang", "\(record.docTotal) / \(record.pageTotal)"),
        ] where !value.isEmpty {
            print("  \(label): \(value)")
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a record in an agency's list of a year.")
        @Argument(help: "The record's notation (số và ký hiệu hồ sơ), e.g. 05-TCCB.") var notation: String
        @Option(help: "The agency (its code).") var agency: String
        @Option(help: "The year of the list (FileCatalog).") var year: Int
        @OptionGroup var fields: Fields
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            let code = try AdminArguments.code(agency, "--agency")
            try RecordCommand.run(spool) { desk in
                RecordCommand.show(try desk.create(agency: code, year: year, notation: notation, fields: fields.values))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a record's App. VI fields.")
        @Argument(help: "The record's code (FileCode).") var fileCode: String
        @OptionGroup var fields: Fields
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try RecordCommand.run(spool) { desk in
                RecordCommand.show(try desk.update(fileCode, fields: fields.values))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put packets into a record (out of their own).")
        @Argument(help: "The record's code (FileCode).") var fileCode: String
        @Argument(help: "Packet ids.") var packets: [String]
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try RecordCommand.run(spool) { desk in
                try desk.add(fileCode, packets: packets)
                print("\(packets.count) packet(s) in \(fileCode); journaled: admin record.add by \(desk.actor)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take packets out of a record.")
        @Argument(help: "The record's code (FileCode).") var fileCode: String
        @Argument(help: "Packet ids.") var packets: [String]
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try RecordCommand.run(spool) { desk in
                try desk.remove(fileCode, packets: packets)
                print("\(packets.count) packet(s) out of \(fileCode); journaled: admin record.remove by \(desk.actor)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A record's fields and its packets.")
        @Argument(help: "The record's code (FileCode).") var fileCode: String
        @Flag(help: "As JSON.") var json = false
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try RecordCommand.run(spool) { desk in
                let record = try desk.existing(fileCode)
                let packets = try desk.desk.index.recordPackets(fileCode)
                if json {
                    struct Answer: Encodable {
                        let record: FileRecord
                        let packets: [String]
                    }
                    print(try ArchiveCommand.json(Answer(record: record, packets: packets)))
                    return
                }
                RecordCommand.show(record)
                for packet in packets { print("  \(packet)") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The list of records of an agency for a year (danh mục hồ sơ), as CSV or printable HTML.")
        @Option(help: "The agency (its code).") var agency: String
        @Option(help: "The year.") var year: Int
        @Option(help: "csv or html (default: from -o's extension, else csv).") var format: String?
        @Option(name: [.short, .long], help: "Write to this file.") var output: String?
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            let code = try AdminArguments.code(agency, "--agency")
            try RecordCommand.run(spool) { desk in
                guard let config = desk.desk.directory.agencies[code] else {
                    throw CommandFailure("no agency \(code)", code: 2)
                }
                let records = try desk.desk.index.fileRecords(agency: code.rawValue, year: year)
                let html = (format ?? (output.map { ($0 as NSString).pathExtension } ?? "csv")).hasPrefix("htm")
                let bytes =
                    html
                    ? try RecordList.html(records, agency: config, year: year, spool: desk.desk.spool)
                    : RecordList.csv(records)
                if let output {
                    try Durable.writeFile(at: output, bytes: bytes, replace: true)
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
            }
        }
    }
}
