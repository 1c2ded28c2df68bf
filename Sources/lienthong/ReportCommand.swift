import Admin
import ArgumentParser
import DurableIO
import Foundation
import Packets

/// `lienthong report year YYYY [--format html|csv] [-o FILE]` (a contract: tests outside the project call it).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The office's yearly report (Decision 17/2019 Art 12.7).",
        subcommands: [Year.self])

    struct Year: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per agency: sent (on time, late), received, arrival to registration, refusals, outages, paper.",
            discussion: """
                From the index and the paper fallback log. CSV (UTF-8 with a byte order mark), JSON (exact figures) \
                or a printable A4 page with SVG charts (Templates/year-report.html.mustache).
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, html, json }

        @Argument(help: "The year.") var year: Int
        @Option(help: "csv, html or json (default: from -o's extension, else csv).") var format: Format?
        @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try AdminOptions.run {
                let session = try AdminOptions.readOnly(spool)
                let report = try YearReport.make(
                    year: year, spool: session.spool, config: session.config, index: try session.index(),
                    directory: try session.directory())
                let chosen =
                    format ?? output.flatMap { Format(rawValue: ($0 as NSString).pathExtension.lowercased()) } ?? .csv
                let bytes: [UInt8] =
                    switch chosen {
                    case .csv: report.csv()
                    case .json: JSONWriter.bytes(report.json())
                    case .html: try report.html(spool: session.spool)
                    }
                if let output {
                    try Durable.writeFile(at: output, bytes: bytes, replace: true)
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
            }
        }
    }
}
