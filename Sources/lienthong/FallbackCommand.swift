import ArgumentParser
import Fallback
import Foundation
import Office
import Packets
import Spool

/// `lienthong fallback status|handover`: the paper fallback log kept during outages (Decision 17/2019 Art 8.1).
struct FallbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fallback",
        abstract: "The paper fallback log kept while electronic delivery is down.",
        subcommands: [Status.self, Handover.self]
    )

    /// The spool and its office.yaml.
    static func open(_ spool: SpoolOptions) throws -> (SpoolLayout, OfficeConfig) {
        let layout = try spool.existingLayout()
        do {
            let config =
                FileManager.default.fileExists(atPath: layout.officeConfig)
                ? try OfficeConfig.load(layout.officeConfig) : OfficeConfig()
            return (layout, config)
        } catch {
            throw CommandFailure("\(error)", code: 2)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show open and closed incidents, routes failing now, and the documents of the paper log with their reconciliation.",
            discussion: """
                Reads only the fallback folder (outage.fallbackDir), so it answers while the index or the archive is \
                unavailable. Document states: waiting (carry it on paper), handed-over (on paper, not yet \
                electronically), delivered (electronically), reconciled (both; registered once), refused (the recipient \
                refused the packet when its inbox came back: see its rejected/ folder). Exit 0.
                """
        )

        @OptionGroup
        var spool: SpoolOptions

        @Flag(help: "Answer as JSON.")
        var json = false

        func run() throws {
            let (layout, config) = try FallbackCommand.open(spool)
            let status: FallbackStatus
            do {
                status = try FallbackDesk(spool: layout, config: config).status()
            } catch {
                throw CommandFailure("cannot read the paper fallback log: \(error)")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            } else {
                print(status.text, terminator: "")
            }
        }
    }

    struct Handover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that the paper copy of a document in the paper log was handed over to its recipient.",
            discussion: """
                The recipient registers the paper copy now (its arrival number is printed: write it on the paper) and \
                the sender gets the 03 status. When the electronic copy arrives later it carries "ĐÃ NHẬN BẢN GIẤY.txt" \
                and keeps the same arrival number: it is not registered twice. If the electronic copy arrived first, \
                its arrival number is printed and the paper copy must not be registered.
                """
        )

        @Argument(help: "The packet id (as in the paper log).")
        var packet: String

        @Option(help: "The recipient agency that received the paper copy.")
        var to: String

        @Option(
            help:
                "When it was handed over: 2026-11-24T09:30:00+07:00, \"2026-11-24 09:30\" or 09:30 (office time; default now)."
        )
        var at: String?

        @Option(help: "Who received it.")
        var by: String?

        @OptionGroup
        var spool: SpoolOptions

        func run() throws {
            let (layout, config) = try FallbackCommand.open(spool)
            guard let recipient = AgencyCode(to) else {
                throw CommandFailure("--to \(to) is not an agency code NNN.NN.NN.Xnn", code: 2)
            }
            let zone = config.calendar.timeZone
            let when: Date
            if let at {
                guard let parsed = Self.time(at, in: zone) else {
                    throw CommandFailure(
                        "--at \(at): write 2026-11-24T09:30:00+07:00, \"2026-11-24 09:30\" or 09:30", code: 2)
                }
                when = parsed
            } else {
                when = Date()
            }
            let name = by?.trimmingCharacters(in: .whitespaces).precomposedNFC
            let result: FallbackDesk.Handover
            do {
                result = try FallbackDesk(spool: layout, config: config).handOver(
                    packetId: packet, to: recipient, at: when,
                    by: name?.isEmpty == false ? name : nil)
            } catch let error as FallbackDesk.HandoverError {
                throw CommandFailure(error.description)
            }
            let document = result.entry.document
            print(
                "Paper copy of \(document.numberAndNotation) (\(document.packetId)) handed over to \(document.recipientName) (\(recipient)) "
                    + "at \(Timestamp.string(when, in: zone)).")
            switch (result.arrivalNumber, result.registeredNow) {
            case (let number?, true):
                print(
                    "Registered on paper: arrival number (số đến) \(number). The electronic copy will not be registered again."
                )
            case (let number?, false):
                print(
                    "Already registered when it arrived electronically: arrival number (số đến) \(number). Do not register the paper copy."
                )
            default:
                print(
                    "Not registered now (\(result.registrationError ?? "unknown error")); it will be registered when the electronic copy arrives."
                )
            }
        }

        /// An instant given on the command line, in the office's zone unless it says otherwise.
        static func time(_ text: String, in zone: TimeZone) -> Date? {
            if let date = Timestamp.parse(text) { return date }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) { return date }
            }
            formatter.dateFormat = "HH:mm"
            guard let time = formatter.date(from: text) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let parts = calendar.dateComponents([.hour, .minute], from: time)
            return calendar.date(bySettingHour: parts.hour ?? 0, minute: parts.minute ?? 0, second: 0, of: Date())
        }
    }
}
