import ArgumentParser
import Foundation
import Packets
import Spool

/// `lienthong agencies`: the office's agencies, their codes, names, inboxes and certificates' expiry, so a clerk can
/// look up a recipient's code (the listing is in `Spool`).
struct AgenciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agencies",
        abstract: "List the office's agencies: code, name, inbox, certificate expiry (Danh sách cơ quan).",
        discussion: """
            Reads agencies/*/agency.yaml and each agency's certificate; changes nothing. --json prints an array of \
            {code, name, inbox, inboxConfigured, certificateExpires, certificateProblem?}. Exit status: 0, or 2 when \
            the folder is not a spool or an agency.yaml cannot be read.
            """
    )

    @OptionGroup
    var spool: SpoolOptions

    @Flag(help: "Print the agencies as a JSON array.")
    var json = false

    func run() throws {
        let layout = try spool.existingLayout()
        let config: OfficeConfig
        let listing: AgencyListing
        do {
            config =
                FileManager.default.fileExists(atPath: layout.officeConfig)
                ? try OfficeConfig.load(layout.officeConfig) : OfficeConfig()
            listing = try AgencyListing(spool: layout)
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
        let timeZone = config.calendar.timeZone
        if json {
            FileHandle.standardOutput.write(Data(listing.json(timeZone: timeZone)))
            print()
        } else {
            print(listing.text(timeZone: timeZone, now: Date()), terminator: "")
        }
    }
}
