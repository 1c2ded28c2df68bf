import Admin
import ArgumentParser
import Foundation
import Spool

/// `lienthong inbox move CODE --to PATH [--remove-old]`: an agency's inbox goes to another place (a contract: tests
/// outside the project call this name and these options).
struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Move an agency's inbox to another place (a new share).",
        subcommands: [Move.self]
    )

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an agency's inbox to PATH, verify it by SHA-256, and switch agency.yaml to it.",
            discussion: """
                Deliveries to the agency wait while the inbox is copied (a batch in flight finishes first) and go to \
                the new place once agency.yaml names it; the switch is one atomic rename, so a crash leaves either the \
                old place in service or the new one. Run the same command again to finish a move that stopped. The \
                old copy stays (listed, and reported by doctor) until the same command is run with --remove-old, \
                which removes only what the new place holds. Works while the daemon runs.
                """)
        @Argument(help: "The agency's code.") var code: String
        @Option(help: "The new place: an absolute path, an empty or absent folder (under a mounted share).")
        var to: String
        @Flag(help: "Remove the old copy once every file is verified at the new place.") var removeOld = false
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in
                try InboxMove(session: session).plan(try AdminArguments.code(code), to: to, removeOld: removeOld)
            }
        }
    }
}
