import ArgumentParser
import DurableIO
import Foundation
import Ledger
import Packets
import Registers
import Spool
import WorkingTime

/// `lienthong register outgoing|incoming`: the registers clerks keep (Decree 30/2020 App. IV).
struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Print the outgoing or incoming register of an agency for a year (Decree 30/2020 App. IV).",
        discussion: """
            CSV is UTF-8 with a byte order mark (spreadsheets open it with Vietnamese intact); HTML is rendered from \
            Templates/register-<kind>.html.mustache and prints on A4 landscape. The outgoing register lists the \
            documents dated in the year and marks those sent later than the next working morning (Decision 17/2019 \
            Art 4.2); the incoming register lists the documents that arrived in the year by arrival number. Documents \
            with a secrecy level are kept in a separate register: --secret.
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case outgoing, incoming
    }

    @Argument(help: "outgoing (sổ văn bản đi) or incoming (sổ văn bản đến).")
    var kind: Kind

    @Option(help: "The agency whose register it is (its 13-character code).")
    var agency: String

    @Option(help: "The year (default: the current year in the office's time zone).")
    var year: Int?

    @Flag(help: "The separate register of documents with a secrecy level (sổ văn bản mật) instead of the ordinary one.")
    var secret = false

    @Option(help: "csv or html (default: from the -o file's extension, else csv).")
    var format: Format?

    @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
    var output: String?

    @OptionGroup
    var spool: SpoolOptions

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, html
    }

    func run() throws {
        guard let code = AgencyCode(agency) else {
            throw CommandFailure("--agency \(agency) is not an agency code NNN.NN.NN.Xnn", code: 2)
        }
        let layout = try spool.existingLayout()
        let directory: AgencyDirectory
        let config: OfficeConfig
        do {
            directory = try AgencyDirectory.load(layout)
            config =
                FileManager.default.fileExists(atPath: layout.officeConfig)
                ? try OfficeConfig.load(layout.officeConfig) : OfficeConfig()
            try TemplateChecker.requireUsableOverrides(spool: layout)
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
        guard let agencyConfig = directory.agencies[code] else {
            throw CommandFailure("agency \(code) is not registered in \(layout.agencies)", code: 2)
        }
        let calendar = WorkingCalendar(config.calendar)
        let year = self.year ?? CalendarDate(Date(), in: calendar.timeZone).year
        guard (1900...9999).contains(year) else {
            throw CommandFailure("--year \(year) is out of range (1900 to 9999)", code: 2)
        }
        let format = self.format ?? inferredFormat()
        if let output {
            var isDirectory: ObjCBool = false
            let parent = (output as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
                throw CommandFailure("-o \(output) is a folder; give a file name", code: 2)
            }
            if !parent.isEmpty,
                !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) || !isDirectory.boolValue
            {
                throw CommandFailure("-o \(output): the folder \(parent) does not exist", code: 2)
            }
        }

        let index = try openIndex(layout)
        let builder = RegisterBuilder(
            spool: layout, index: index, calendar: calendar,
            names: directory.agencies.mapValues(\.name))
        let bytes: [UInt8]
        switch (kind, format) {
        case (.outgoing, .csv):
            bytes = RegisterWriter.csv(
                headings: OutgoingRow.headings,
                rows: try builder.outgoing(agency: code, year: year, secret: secret).map(\.columns))
        case (.incoming, .csv):
            bytes = RegisterWriter.csv(
                headings: IncomingRow.headings,
                rows: try builder.incoming(agency: code, year: year, secret: secret).map(\.columns))
        case (.outgoing, .html):
            let rows = try builder.outgoing(agency: code, year: year, secret: secret)
            bytes = try page(.outgoing, layout, agencyConfig, year, rows.map(\.context))
        case (.incoming, .html):
            let rows = try builder.incoming(agency: code, year: year, secret: secret)
            bytes = try page(.incoming, layout, agencyConfig, year, rows.map(\.context))
        }
        if let output {
            do {
                try Durable.writeFile(at: output, bytes: bytes, replace: true)
            } catch {
                throw CommandFailure("cannot write \(output): \(error)")
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    /// The format the -o file's name asks for (csv when it says nothing).
    private func inferredFormat() -> Format {
        let extensionName = output.map { ($0 as NSString).pathExtension.lowercased() } ?? ""
        switch extensionName {
        case "html", "htm": return .html
        default: return .csv
        }
    }

    /// The index, brought up to date with the journal (the daemon may have stopped before applying its last records).
    private func openIndex(_ layout: SpoolLayout) throws -> LedgerIndex {
        let indexPath = layout.state + "/index.sqlite"
        let journalPath = layout.state + "/journal.jsonl"
        do {
            let index = try LedgerIndex(path: indexPath)
            if FileManager.default.fileExists(atPath: journalPath) {
                try index.catchUp(with: try Journal(path: journalPath, repairing: false))
            }
            return index
        } catch {
            throw CommandFailure("the index \(indexPath) cannot be read (\(error)); run `lienthong index rebuild`")
        }
    }

    private func page(
        _ kind: RegisterKind, _ layout: SpoolLayout, _ agency: AgencyConfig, _ year: Int, _ rows: [[String: Any]]
    ) throws -> [UInt8] {
        do {
            return try RegisterPage.render(
                kind, secret: secret, agency: agency, year: year, rows: rows,
                closed: RegisterPage.retirementLine(agency, spool: layout, now: Date()), spool: layout)
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
    }
}
