import Documents
import DurableIO
import Fallback
import Foundation
import Ledger
import Logging
import Packets
import Signing
import Spool
import WorkingTime

#if canImport(Glibc)
import Glibc
#endif

/// Delivering published packets into the recipients' inboxes and filing the originals under sent/: a value holding
/// only what delivery needs (not the roster, not the outbox watch).
struct DeliveryStage: Sendable {
    let spool: SpoolLayout
    let config: OfficeConfig
    let paths: WorkPaths
    let recorder: Recorder
    let clock: OfficeClock
    let logger: Logger
    /// Told of every delivery that lands or fails (the outage monitor), on the calling thread.
    var observer: (any DeliveryObserver)?

    var calendar: WorkingCalendar { WorkingCalendar(config.calendar) }

    /// Receiving at each recipient, the same way a packet placed into an inbox is received.
    var receiver: Receiver {
        Receiver(spool: spool, calendar: calendar, paths: paths, recorder: recorder, clock: clock, logger: logger)
    }

    /// Delivers each shipment to every recipient still pending: `inbox/<packet-id>/` with the documents ready to
    /// open, metadata.json, its signature and the packet file. Each recipient's side first verifies the packet while
    /// extracting it into the inbox's hidden staging folder (`Receiver`); a packet that fails is refused (02), one
    /// that passes lands (01) and is registered with its arrival number (03). A recipient whose inbox cannot be
    /// reached stays pending, with a growing wait before the next try. Returns the shipments advanced.
    func deliver(_ shipments: [Shipment], routes: Routes) throws -> [Shipment] {
        var shipments = shipments
        let receiver = receiver
        /// A delivery found in the inbox (landed before a crash, not yet recorded), or to verify and extract now.
        struct Found {
            let shipment: Int
            let recipient: AgencyCode
            let target: String
        }
        struct Attempt {
            let shipment: Int
            let recipient: AgencyCode
            let inbox: String
            let id: PacketID
            let archive: String
        }
        var found: [Found] = []
        var attempts: [Attempt] = []
        var gate = InboxGate(spool: spool, routes: routes)
        for (position, shipment) in shipments.enumerated() {
            shipments[position].paused = []
            for recipient in shipment.pending where !shipment.held.contains(recipient) {
                guard gate.isOpen(recipient) else {
                    shipments[position].paused.insert(recipient)
                    continue
                }
                do {
                    let inbox = try reachableInbox(recipient, routes: routes)
                    let target = inbox + "/" + shipment.id.rawValue
                    if FileSystem.exists(RawPath(target)) {
                        found.append(Found(shipment: position, recipient: recipient, target: target))
                        continue
                    }
                    try prepareStagingRoot(inbox)
                    attempts.append(
                        Attempt(
                            shipment: position, recipient: recipient, inbox: inbox, id: shipment.id,
                            archive: shipment.packet.archivePath))
                } catch {
                    deferDelivery(&shipments[position], to: recipient, because: error)
                }
            }
        }
        // Each delivery is verified and assembled on its own, in parallel, in its own staging folder.
        let outcomes = attempts.parallelMap { attempt in
            Result { () throws -> Receiver.Outcome in
                let folder = paths.deliveryStaging(inbox: attempt.inbox) + "/" + attempt.id.rawValue
                let outcome = try receiver.extract(
                    attempt.archive, shownAs: attempt.archive, for: attempt.recipient, into: folder,
                    routes: routes)
                if case .extracted(let extracted) = outcome {
                    try receiver.place(.copy(archive: attempt.archive), into: extracted)
                }
                return outcome
            }
        }
        var extracted: [(Attempt, Receiver.Extracted)] = []
        var refused: [(Attempt, VerificationReport)] = []
        for (attempt, outcome) in zip(attempts, outcomes) {
            switch outcome {
            case .success(.extracted(let item)): extracted.append((attempt, item))
            case .success(.refused(let report, _)): refused.append((attempt, report))
            case .failure(let error): deferDelivery(&shipments[attempt.shipment], to: attempt.recipient, because: error)
            }
        }
        let now = clock.now()
        var landings: [Receiver.Landing] = []
        func landed(_ position: Int, _ recipient: AgencyCode) {
            shipments[position].pending.removeAll { $0 == recipient }
            shipments[position].delivered.append((recipient, now))
            shipments[position].lastFailure[recipient] = nil
            observer?.delivered(shipments[position].id, to: recipient, at: now)
        }
        var inboxes: Set<String> = []
        for item in found {
            // Its documents' legal value was noted in the inbox when it landed; the registration has none to add.
            let packet = shipments[item.shipment].packet
            let extracted = Receiver.Extracted(
                key: DeliveryKey(packet: packet.id, recipient: item.recipient), metadata: packet.metadata,
                metadataBytes: [], folder: item.target, documents: [])
            landings.append(Receiver.Landing(extracted: extracted, target: item.target, fresh: false))
            inboxes.insert((item.target as NSString).deletingLastPathComponent)
            landed(item.shipment, item.recipient)
        }
        if !extracted.isEmpty {
            do {
                try receiver.makeDurable(extracted.map(\.1))
            } catch {
                // The recipients' disks could not make the documents durable: those deliveries wait, like any
                // other failure of the destination.
                for (attempt, item) in extracted {
                    try? FileSystem.removeTree(RawPath(item.folder))
                    deferDelivery(&shipments[attempt.shipment], to: attempt.recipient, because: error)
                }
                extracted = []
            }
        }
        for (attempt, item) in extracted {
            let target = attempt.inbox + "/" + item.key.packet.rawValue
            do {
                _ = try receiver.land(item, at: target)
            } catch {
                deferDelivery(&shipments[attempt.shipment], to: attempt.recipient, because: error)
                continue
            }
            landings.append(Receiver.Landing(extracted: item, target: target, fresh: true))
            inboxes.insert(attempt.inbox)
            landed(attempt.shipment, attempt.recipient)
        }
        try Durable.syncAll(Array(inboxes))
        var refusals: [Receiver.Refusal] = []
        for (attempt, report) in refused {
            let packet = shipments[attempt.shipment].packet
            shipments[attempt.shipment].pending.removeAll { $0 == attempt.recipient }
            shipments[attempt.shipment].refusals[attempt.recipient] = report.reason?.message
            logger.error(
                "delivery refused by the receiving check",
                metadata: [
                    "packet": "\(packet.id)", "recipient": "\(attempt.recipient)",
                    "reason": "\(report.reason?.code ?? "")",
                ])
            refusals.append(
                try receiver.refuse(
                    archived: packet.archivePath, metadata: packet.metadata, at: attempt.recipient,
                    report: report, routes: routes))
            observer?.refused(packet.id, to: attempt.recipient, at: clock.now())
        }
        let receipts = try receiver.acknowledge(landings, refusals: refusals, at: now, routes: routes)
        withExtendedLifetime(gate) {}
        let positions = Dictionary(shipments.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (key, receipt) in receipts {
            guard let position = positions[key.packet] else { continue }
            shipments[position].receipts[key.recipient] = receipt
        }
        return shipments
    }

    /// The recipient's inbox, created when it is the agency's own folder; a configured path (a mounted share)
    /// that is missing is an error, never created.
    func reachableInbox(_ recipient: AgencyCode, routes: Routes) throws -> String {
        let inbox = routes.inboxes[recipient] ?? spool.inbox(recipient)
        if !FileSystem.exists(RawPath(inbox)) {
            guard !routes.configured.contains(recipient) else { throw FileError("inbox", path: inbox, code: ENOENT) }
            try Durable.makeDirectories(inbox)
        }
        return inbox
    }

    /// Makes `<inbox>/.lienthong/staging`, once, before deliveries are assembled in it in parallel.
    private func prepareStagingRoot(_ inbox: String) throws {
        try FileSystem.makeDirectory(RawPath(inbox + "/.lienthong"), mode: 0o700)
        try FileSystem.makeDirectory(RawPath(paths.deliveryStaging(inbox: inbox)), mode: 0o700)
    }

    private func deferDelivery(_ shipment: inout Shipment, to recipient: AgencyCode, because error: Error) {
        let delay = shipment.retry.map { min($0.delay * 2, config.outage.retryMax) } ?? config.outage.retryInitial
        shipment.retry = Shipment.Retry(at: clock.now().addingTimeInterval(delay.seconds), delay: delay)
        let route = Self.isRouteFailure(error, archive: spool.archive)
        if shipment.lastFailure[recipient] == nil || !route {
            // A failure of this packet itself (its archive file unreadable …) is not an outage of the route: it is
            // retried the same way, and logged as an error each time, for an admin to look at.
            let level: Logger.Level = route ? .warning : .error
            logger.log(
                level: level, route ? "delivery deferred" : "delivery of this packet failed; retrying",
                metadata: [
                    "packet": "\(shipment.id)", "recipient": "\(recipient)", "error": "\(error)",
                    "retry": "\(DurationText.format(delay))",
                ])
        }
        shipment.lastFailure[recipient] = "\(error)"
        shipment.attempts[recipient, default: 0] += 1
        if shipment.firstDeferred == nil { shipment.firstDeferred = clock.now() }
        if route { observer?.deliveryFailed(shipment.id, to: recipient, error: "\(error)", at: clock.now()) }
    }

    /// Whether a delivery error is the destination's (a share not mounted, full, read-only, failing, refusing us)
    /// rather than the packet's own: errors on the archive's side are the packet's.
    static func isRouteFailure(_ error: Error, archive: String) -> Bool {
        guard let error = error as? FileError else { return true }
        if error.path.hasPrefix(archive + "/") { return false }
        return true
    }
}
