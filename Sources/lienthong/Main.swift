import ArgumentParser
import Foundation
import Logging

/// The `lienthong` command: argument parsing and wiring only; the work is done by the modules.
struct LienThong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong",
        abstract: "A watched-folder electronic office: signed, archived document packets between agencies.",
        discussion:
            "Spool: --spool DIR, else $LIENTHONG_SPOOL, else ./Spool. Exit codes: 0 success, 1 failure or invalid packet, 2 usage or unreadable input.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, AgenciesCommand.self, AgencyCommand.self, InboxCommand.self, RotateCommand.self,
            YearCommand.self, RecordCommand.self, HandoverCommand.self, HoldCommand.self, RetentionCommand.self,
            DisposalCommand.self, ReportCommand.self, BackupCommand.self, RestoreCommand.self,
            QueueCommand.self,
            CertCommand.self,
            CRLCommand.self, WatchCommand.self,
            PackCommand.self,
            VerifyCommand.self,
            RegisterCommand.self,
            FallbackCommand.self, ArchiveCommand.self, IndexCommand.self, UserCommand.self, ServeCommand.self,
            JournalCommand.self, TemplatesCommand.self, DoctorCommand.self,
        ]
    )
}

/// A failure a command reports itself: its message goes to stderr and the process exits with `code`.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let code: Int32

    init(_ message: String, code: Int32 = 1) {
        self.message = message
        self.code = code
    }

    var description: String { message }
}

@main
enum Main {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                Logger.Level(rawValue: ProcessInfo.processInfo.environment["LIENTHONG_LOG_LEVEL"] ?? "") ?? .info
            return handler
        }
        do {
            var command = try LienThong.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            Terminal.error(failure.message)
            exit(failure.code)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = LienThong.exitCode(for: error)
            if code == .success {
                print(LienThong.fullMessage(for: error))
                exit(0)
            }
            if let suggestion = CommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst())) {
                Terminal.error(suggestion)
                exit(2)
            }
            Terminal.error(LienThong.fullMessage(for: error))
            // DESIGN.md: usage errors exit with 2.
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Writing to the terminal.
enum Terminal {
    /// Writes a line to standard error.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }
}
