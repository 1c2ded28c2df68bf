import Admin
import ArgumentParser
import Foundation
import Spool

/// `lienthong rotate [--agency CODE…|--all] [--older-than AGE] [--to PATH]`: the clerks' folders keep only what is
/// recent at their top level (a contract: tests outside the project call this name and these options).
struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Move handled entries of the clerks' folders into dated folders (<folder>/<YYYY>/<MM>/).",
        discussion: """
            inbox/ (delivered copies once registered), sent/ (originals once filed), status/ and rejected/ keep at \
            their top level what is newer than --older-than (default: office.yaml rotate.keepFor, else 30d); the rest \
            goes into <folder>/<YYYY>/<MM>/ by the journal's date, or under --to PATH/<code>/<folder>/<YYYY>/<MM>/ \
            on another share. Nothing changed in the last 10 minutes is touched. Each batch is journaled (relocated) \
            before it moves; a rotation stopped by a crash is finished by the next one (or by the daemon). \
            archive show and the web page say where each delivered copy is. Works while the daemon runs.
            """)

    @Option(name: .customLong("agency"), help: "Only this agency (repeatable).") var agencies: [String] = []
    @Flag(help: "Every agency (the default).") var all = false
    @Option(help: "Keep entries newer than this at the top level: 30d, 12h …") var olderThan: String?
    @Option(help: "Put the dated folders under this absolute path (another share) instead of in place.") var to: String?
    @OptionGroup var admin: AdminOptions

    func validate() throws {
        if all && !agencies.isEmpty { throw ValidationError("--all and --agency exclude each other") }
    }

    func run() throws {
        try AdminOptions.run {
            let session = try admin.session()
            let age: Duration
            if let olderThan {
                guard let parsed = DurationText.parse(olderThan), parsed >= .seconds(3600) else {
                    throw CommandFailure(
                        "--older-than \(olderThan): cần một khoảng như 30d hoặc 12h, ít nhất 1h — expected an age like "
                            + "30d or 12h, at least 1h", code: 2)
                }
                age = parsed
            } else {
                age = session.config.rotate?.keepFor ?? .seconds(30 * 86_400)
            }
            let codes = try agencies.isEmpty ? nil : agencies.map { try AdminArguments.code($0, "--agency") }
            _ = try FolderRotation(session: session).rotate(
                agencies: codes, olderThan: TimeInterval(age.components.seconds),
                to: to ?? session.config.rotate?.to)
        }
    }
}
