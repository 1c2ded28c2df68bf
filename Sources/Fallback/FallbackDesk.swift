import Foundation
import Logging
import Packets
import Spool
import WorkingTime

/// The paper fallback log as commands see it: `lienthong fallback status` reads it (and nothing else), `lienthong
/// fallback handover` records that a paper copy was handed over to its recipient and registers it there, so that the
/// electronic copy, when it comes, is not registered a second time (Decision 17/2019 Art 8.1).
public struct FallbackDesk: Sendable {
    public let spool: SpoolLayout
    public let config: OfficeConfig
    public let clock: OfficeClock
    public let logger: Logger

    public init(
        spool: SpoolLayout, config: OfficeConfig, clock: OfficeClock = .system,
        logger: Logger = Logger(label: "lienthong.fallback")
    ) {
        self.spool = spool
        self.config = config
        self.clock = clock
        self.logger = logger
    }

    /// The fallback folder.
    public var directory: String { config.outage.fallbackPath(spool) }

    public var calendar: WorkingCalendar { WorkingCalendar(config.calendar) }

    /// What the log says now. Reads only the fallback folder: it answers while the index or the archive is down.
    public func status() throws -> FallbackStatus {
        let state = FallbackState(try FallbackLog(directory: directory).readAll())
        return FallbackStatus(state, calendar: calendar, now: clock.now(), directory: directory)
    }

    /// What recording a hand-over did.
    public struct Handover: Sendable {
        /// The log entry after the hand-over.
        public let entry: FallbackState.Entry
        /// The arrival number at the recipient: given now (`registeredNow`) or given before, when the electronic
        /// copy arrived first; nil when the index could not be reached (it will be given when the electronic copy comes).
        public let arrivalNumber: Int64?
        public let registeredNow: Bool
        /// Why the paper copy could not be registered now, if it could not.
        public let registrationError: String?
    }

    /// Why a hand-over cannot be recorded.
    public struct HandoverError: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Registers a handed-over paper copy at its recipient, unless it is registered already: the arrival number,
    /// and whether it was given now. The office's register (`Office`) does it; the log knows nothing of the index.
    public typealias Registration = (_ document: FallbackDocument, _ at: Date, _ by: String?) throws -> (Int64, Bool)

    /// Records that the paper copy of `packetId` was handed over to `recipient` at `at` (received by `by`).
    /// Unless the electronic copy arrived first, `register` registers it now at the recipient, with its arrival
    /// number (and the sender gets the 03 status); the electronic copy will then arrive with a note not to register
    /// it again.
    public func handOver(
        packetId: String, to recipient: AgencyCode, at: Date, by: String?,
        register: Registration
    ) throws -> Handover {
        let log = FallbackLog(directory: directory)
        var state = FallbackState(try log.readAll())
        guard let entry = state.entry("\(packetId) \(recipient)") else {
            let known = state.entries.filter { $0.document.packetId == packetId }.map(\.document.recipient)
            throw HandoverError(
                description: known.isEmpty
                    ? "packet \(packetId) is not in the paper fallback log (\(log.path))"
                    : "packet \(packetId) is in the paper fallback log for \(known.joined(separator: ", ")), not for \(recipient)"
            )
        }
        if let handover = entry.handover {
            throw HandoverError(
                description: "the paper copy of \(packetId) to \(recipient) was recorded as handed over already, at "
                    + Timestamp.string(handover.at, in: calendar.timeZone))
        }
        guard at <= clock.now().addingTimeInterval(60) else {
            throw HandoverError(
                description: "the hand-over time \(Timestamp.string(at, in: calendar.timeZone)) is in the future")
        }
        var number: Int64?
        var registeredNow = false
        var registrationError: String?
        do {
            (number, registeredNow) = try register(entry.document, at, by)
        } catch {
            registrationError = "\(error)"
            logger.error(
                "the paper copy could not be registered now; it will be when the electronic copy arrives",
                metadata: ["packet": "\(packetId)", "recipient": "\(recipient)", "error": "\(error)"])
        }
        let registered = number == nil ? nil : registeredNow ? "paper" : "electronic"
        let record = FallbackRecord(
            .handedOver, at: clock.now(), agency: recipient.rawValue, since: at, packetId: packetId, by: by,
            arrivalNumber: number, registered: registered)
        _ = try log.update(from: 0) { records in
            state = FallbackState(records)
            guard state.entry(entry.document.key)?.handover == nil else {
                throw HandoverError(
                    description: "the paper copy of \(packetId) to \(recipient) was recorded as handed over meanwhile")
            }
            state.apply(record)
            return [record]
        }
        let names = (try? AgencyDirectory.load(spool))?.agencies.mapValues(\.name) ?? [:]
        FallbackOutputs(
            spool: spool, directory: directory, timeZone: calendar.timeZone, threshold: config.outage.threshold,
            logger: logger
        )
        .refresh(state, names: names, now: clock.now())
        return Handover(
            entry: state.entry(entry.document.key) ?? entry, arrivalNumber: number, registeredNow: registeredNow,
            registrationError: registrationError)
    }
}
