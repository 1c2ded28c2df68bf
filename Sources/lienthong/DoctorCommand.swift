import ArgumentParser
import Doctor
import Foundation
import Packets
import Spool

/// `lienthong doctor`: the read-only health check of a spool; the checks are in the Doctor module.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check a spool after installing or changing anything: modes, keys, certificates, CRLs, inboxes, disk, configuration, journal, index, clock.",
        discussion: """
            Changes nothing (the only write is a hidden probe file in each configured inbox, removed at once). \
            One line per problem: Vietnamese, English, what to do. Exit status: 0 healthy (warnings alone are printed \
            but exit 0), 1 at least one error, 2 usage error or not a spool. --json prints every check as a JSON array \
            of {code, severity (error|warning|ok), subject, message {vi, en, action, actionEn}, check}.
            """
    )

    @OptionGroup
    var spool: SpoolOptions

    @Flag(help: "Print every check as a JSON array.")
    var json = false

    @Option(help: .hidden)
    var now: String?

    @Option(help: .hidden)
    var expiryWarningDays: Int = 30

    func run() throws {
        var settings = DoctorSettings(expiryWarning: TimeInterval(expiryWarningDays) * 86_400)
        if let now {
            guard let date = Timestamp.parse(now) else {
                throw ValidationError("--now: expected an ISO 8601 time like 2026-11-24T08:00:00Z")
            }
            settings.now = date
        }
        let report: DoctorReport
        do {
            report = try Doctor(spool: spool.layout, settings: settings).run()
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
        print(json ? try report.json() : report.text)
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
