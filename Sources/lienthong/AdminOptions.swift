import Admin
import ArgumentParser
import Foundation
import Packets
import Spool

/// What every admin command takes: the spool, why (`--reason`, journaled), and `--dry-run`.
struct AdminOptions: ParsableArguments {
    @OptionGroup
    var spool: SpoolOptions

    @Option(help: "Why (journaled with the action, e.g. \"Nghị quyết 202/2025/QH15\").")
    var reason: String?

    @Flag(help: "Print exactly what would change, and change nothing.")
    var dryRun = false

    /// The session an admin command runs in.
    func session() throws -> AdminSession {
        let layout = try spool.existingLayout()
        let config: OfficeConfig
        do {
            config =
                FileManager.default.fileExists(atPath: layout.officeConfig)
                ? try OfficeConfig.load(layout.officeConfig) : OfficeConfig()
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
        return AdminSession(
            spool: layout, config: config, reason: reason ?? AdminSession.noReason, dryRun: dryRun,
            say: { print($0) })
    }

    /// Works out a plan in a session of these options and runs it (with `--dry-run`, only prints it); a refusal is
    /// printed as such, exit 1.
    func perform(_ plan: (AdminSession) throws -> AdminPlan) throws {
        try Self.run {
            let session = try session()
            try plan(session).run(session)
        }
    }

    /// A session for a command that changes nothing (`queue list`).
    static func readOnly(_ spool: SpoolOptions) throws -> AdminSession {
        let layout = try spool.existingLayout()
        let config = (try? OfficeConfig.load(layout.officeConfig)) ?? OfficeConfig()
        return AdminSession(spool: layout, config: config, reason: "", dryRun: true, say: { print($0) })
    }

    /// Runs an admin command's body: a refusal is printed as such, exit 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let refusal as AdminRefusal {
            throw CommandFailure(refusal.description, code: 1)
        }
    }
}

/// Arguments that name agencies and times.
enum AdminArguments {
    static func code(_ text: String, _ what: String = "CODE") throws -> AgencyCode {
        guard let code = AgencyCode(text), code.rawValue == text else {
            throw CommandFailure(
                "\(what) \(text): không phải mã định danh NNN.NN.NN.Xnn — not an agency code NNN.NN.NN.Xnn", code: 2)
        }
        return code
    }

    static func time(_ text: String?, _ session: AdminSession, _ what: String = "--at") throws -> Date? {
        guard let text else { return nil }
        guard let date = AdminTime.parse(text, timeZone: session.timeZone, now: session.now()) else {
            throw CommandFailure(
                "\(what) \(text): không đọc được thời điểm — not a time (now, 2025-07-01T00:00:00+07:00, 2025-07-01 08:00, 2025-07-01)",
                code: 2)
        }
        return date
    }
}
