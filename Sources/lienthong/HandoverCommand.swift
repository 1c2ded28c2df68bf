import Admin
import ArgumentParser
import Foundation

/// `lienthong handover --agency CODE --year YYYY --to DIR`: an agency's records of a year to its archive (a
/// contract: tests outside the project call this name and these options).
struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover",
        abstract: "Hand an agency's records of a year over to the agency archive (nộp lưu) as one BagIt bag.",
        discussion: """
            Writes DIR/nop-luu-<code>-<year>-<time>/: a BagIt 1.0 bag (bagit.py --validate checks it) with the \
            records' packets unchanged and their sidecars under data/ho-so/<notation>/, the list of App. V \
            (data/muc-luc-ho-so.html and .csv, 7 columns), the minute pre-filled (data/bien-ban-giao-nhan.html), \
            the App. VI record-level metadata (data/ho-so.json) and the payload manifest signed \
            (manifest-sha256.txt.p7s). Every packet is verified first; the minute states what was found. The \
            hand-over is journaled and its packets are marked handed over.
            """)

    @Option(help: "The agency handing over (its code).") var agency: String
    @Option(help: "The year of the records' list.") var year: Int
    @Option(
        parsing: .upToNextOption,
        help: "Only these records (notation or FileCode); default: every record with documents.")
    var records: [String] = []
    @Option(help: "The folder to write the hand-over package in.") var to: String
    @Option(help: "The agency whose key signs the manifest (default: the agency handing over).") var signer: String?
    @OptionGroup var admin: AdminOptions

    func run() throws {
        try AdminOptions.run {
            var handover = Handover(session: try admin.session())
            handover.signer = try signer.map { try AdminArguments.code($0, "--signer") }
            let outcome = try handover.handOver(
                agency: try AdminArguments.code(agency, "--agency"), year: year,
                records: records.isEmpty ? nil : records, to: to)
            if !outcome.intact { throw ExitCode(1) }
        }
    }
}
