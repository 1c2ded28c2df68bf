import Admin
import ArgumentParser
import Foundation
import Packets

/// `lienthong year close YYYY`: the end of a year (a contract: tests outside the project call this name).
struct YearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "year",
        abstract: "Close a year: final registers, a signed year manifest, the year's archive held to it.",
        subcommands: [Close.self]
    )

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close YYYY: final registers (HTML and CSV) and a signed year manifest, journaled.",
            discussion: """
                Writes years/YYYY/<code>/so-van-ban-{di,den}[-mat].{html,csv} (the outgoing, incoming and secret \
                registers of each agency, closed) and years/YYYY/manifest.json with its detached CMS signature \
                manifest.json.p7s: every packet of the year (archived under archive/YYYY/, dated in the year, or \
                registered in it) with the SHA-256 of its archive file and sidecar, its deliveries, numbers and \
                statuses. The manifest's SHA-256 is journaled (admin year.close); archive verify holds the year to \
                it; archive/YYYY/ becomes read-only; a late arrival of the year is archived and registered in the \
                next open year, with a note. Refused until the year is over, while a drop is being worked on, \
                and while a delivery of the year still waits (listed) unless --force --reason. With --agency, the \
                year closes for one agency only (years/YYYY/<code>/).
                """)

        @Argument(help: "The year to close.") var year: Int
        @Option(help: "Close the year for this agency only.") var agency: String?
        @Flag(help: "The whole office (the default).") var all = false
        @Flag(help: "Close although deliveries of the year still wait (needs --reason; they are listed).")
        var force = false
        @Option(help: "The agency whose key signs the manifest (default: the first agency, by code, with a key).")
        var signer: String?
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            if all && agency != nil { throw ValidationError("--all and --agency exclude each other") }
        }

        func run() throws {
            try AdminOptions.run {
                var close = YearClose(session: try admin.session())
                close.force = force
                close.signer = try signer.map { try AdminArguments.code($0, "--signer") }
                let codes = try agency.map { [try AdminArguments.code($0, "--agency")] }
                _ = try close.close(year, agencies: codes)
            }
        }
    }
}
