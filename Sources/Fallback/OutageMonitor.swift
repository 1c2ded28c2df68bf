import DurableIO
import Foundation
import Logging
import Packets
import Spool
import WorkingTime

#if canImport(Glibc)
import Glibc
#endif

/// Watches delivery routes for outages (Decision 17/2019 Art 8.1). A route — a recipient's inbox — that has been
/// failing for `outage.threshold` of working time without a break opens an incident: every document waiting for it
/// goes into the paper fallback log, the incident report is written, and the clerks of the agencies concerned find a
/// notice in their folder. Hỏa tốc documents go into the log at their first failed delivery. When the route works
/// again the backlog is delivered (most urgent first), each document of the log is marked delivered, and the
/// incident closes with its working-time duration.
///
/// Everything it writes lives in the fallback folder (and the notices in the agency folders); it reads nothing from
/// the index or the archive, and renders its pages from templates loaded at start, so it keeps working when they fail.
/// Used only on the daemon's loop thread (hence `@unchecked Sendable`).
public final class OutageMonitor: DeliveryObserver, @unchecked Sendable {
    public let log: FallbackLog
    let calendar: WorkingCalendar
    let threshold: Duration
    let clock: OfficeClock
    let logger: Logger
    let outputs: FallbackOutputs
    public private(set) var state = FallbackState()
    private var offset: Int64 = 0
    /// Route changes and deliveries seen since the last evaluation, written to the log at the next one.
    private var routeChanges: [AgencyCode: RouteChange] = [:]
    private var deliveries: [(packetId: String, recipient: AgencyCode, at: Date, refused: Bool)] = []
    /// What the office knows besides the log: for reconciling what happened while the monitor could not see it
    /// (a crash between a delivery and the next evaluation).
    public var facts: OutageFacts?
    /// Routes that worked again since the last call to `takeRestored()`: their waiting deliveries go at once.
    private var restored: Set<AgencyCode> = []
    private var lastHeartbeat: Date?
    /// Whether the pages and notices must be written again (a record was read or appended, or a write failed).
    private var stale = true

    private enum RouteChange {
        case failing(since: Date, error: String)
        case restored(at: Date)
    }

    public init(spool: SpoolLayout, config: OfficeConfig, calendar: WorkingCalendar, clock: OfficeClock, logger: Logger)
    {
        let directory = config.outage.fallbackPath(spool)
        log = FallbackLog(directory: directory)
        self.calendar = calendar
        threshold = config.outage.threshold
        self.clock = clock
        self.logger = logger
        outputs = FallbackOutputs(
            spool: spool, directory: directory, timeZone: calendar.timeZone, threshold: config.outage.threshold,
            logger: logger)
    }

    // MARK: Told by delivery

    public func deliveryFailed(_ packet: PacketID, to recipient: AgencyCode, error: String, at: Date) {
        if case .failing = routeChanges[recipient] { return }
        if routeChanges[recipient] == nil, state.failing[recipient.rawValue] != nil { return }
        routeChanges[recipient] = .failing(since: at, error: error)
    }

    public func delivered(_ packet: PacketID, to recipient: AgencyCode, at: Date) {
        if state.failing[recipient.rawValue] != nil || routeChanges[recipient] != nil {
            routeChanges[recipient] = .restored(at: at)
            restored.insert(recipient)
        }
        deliveries.append((packet.rawValue, recipient, at, false))
    }

    public func refused(_ packet: PacketID, to recipient: AgencyCode, at: Date) {
        // The recipient's side was reached: the route works, even though this packet will not come.
        if state.failing[recipient.rawValue] != nil || routeChanges[recipient] != nil {
            routeChanges[recipient] = .restored(at: at)
            restored.insert(recipient)
        }
        deliveries.append((packet.rawValue, recipient, at, true))
    }

    /// The routes that came back since the last call.
    public func takeRestored() -> Set<AgencyCode> {
        defer { restored = [] }
        return restored
    }

    // MARK: Evaluation

    /// Writes what was seen to the log and acts on it: opens, extends or closes the incident, puts documents into
    /// the log, refreshes the pages and the notices. `waiting` are the documents whose delivery is deferred.
    public func evaluate(waiting: [WaitingDocument], names: [AgencyCode: String]) {
        let now = clock.now()
        reconcile(waiting: waiting)
        deliveries.removeAll { state.entry("\($0.packetId) \($0.recipient)") == nil }
        let quiet = routeChanges.isEmpty && deliveries.isEmpty && state.failing.isEmpty && state.openIncident == nil
        if quiet, !stale, log.size() == offset { return }  // nothing happened, here or in another writer
        do {
            try appendToLog { emit in
                for (agency, change) in routeChanges.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    switch change {
                    case .failing(let since, let error) where state.failing[agency.rawValue] == nil:
                        emit(
                            FallbackRecord(.routeFailing, at: now, agency: agency.rawValue, since: since, error: error))
                        logger.warning(
                            "delivery route failing", metadata: ["recipient": "\(agency)", "error": "\(error)"])
                    case .restored(let at) where state.failing[agency.rawValue] != nil:
                        emit(FallbackRecord(.routeRestored, at: at, agency: agency.rawValue))
                        logger.notice("delivery route restored", metadata: ["recipient": "\(agency)"])
                    default:
                        break
                    }
                }
                for delivery in deliveries {
                    guard let entry = state.entry("\(delivery.packetId) \(delivery.recipient)"), !entry.settled else {
                        continue
                    }
                    emit(
                        FallbackRecord(
                            delivery.refused ? .refused : .delivered, at: now, agency: delivery.recipient.rawValue,
                            since: delivery.at, packetId: delivery.packetId))
                }
                openIncidents(now: now, emit: emit)
                addDocuments(waiting, names: names, now: now, emit: emit)
                closeIncident(waiting, now: now, emit: emit)
            }
            routeChanges = [:]
            deliveries = []
        } catch {
            // Kept in memory and tried again at the next pass.
            logger.error("cannot write the paper fallback log", metadata: ["path": "\(log.path)", "error": "\(error)"])
        }
        if stale { stale = !outputs.refresh(state, names: names, now: now) }
    }

    /// What the log does not know yet but the office does: entries delivered or refused (seen in the index) while
    /// no evaluation followed — a crash right after a delivery — and failing routes nothing waits for any more
    /// whose inbox is reachable again. Both end the same way as if the monitor had seen them happen.
    private func reconcile(waiting: [WaitingDocument]) {
        guard let facts else { return }
        var pending: Set<String> = []
        for waiting in waiting {
            for recipient in waiting.pending { pending.insert("\(waiting.packetId.rawValue) \(recipient)") }
        }
        for entry in state.entries where !entry.settled && !pending.contains(entry.document.key) {
            guard let recipient = AgencyCode(entry.document.recipient),
                deliveries.allSatisfy({ "\($0.packetId) \($0.recipient)" != entry.document.key }),
                let outcome = facts.outcome(entry.document.packetId, recipient)
            else { continue }
            switch outcome {
            case .delivered(let at): deliveries.append((entry.document.packetId, recipient, at, false))
            case .refused(let at): deliveries.append((entry.document.packetId, recipient, at, true))
            }
            if state.failing[recipient.rawValue] != nil, routeChanges[recipient] == nil {
                routeChanges[recipient] = .restored(at: clock.now())
            }
        }
        let waitedFor = Set(waiting.flatMap { $0.pending.map(\.rawValue) })
        for route in state.failing.keys where !waitedFor.contains(route) {
            guard let code = AgencyCode(route), routeChanges[code] == nil, facts.reachable(code) else { continue }
            routeChanges[code] = .restored(at: clock.now())
        }
    }

    /// Routes whose outage passed the threshold open an incident, or join the one already open.
    private func openIncidents(now: Date, emit: (FallbackRecord) -> Void) {
        for route in state.failing.values.sorted(by: { $0.since < $1.since }) {
            if state.openIncident?.routes.contains(route.agency) == true { continue }
            guard let deadline = calendar.instant(after: threshold, from: route.since), deadline <= now else {
                continue
            }
            if let open = state.openIncident {
                emit(
                    FallbackRecord(.incidentRoute, at: now, agency: route.agency, since: route.since, incident: open.id)
                )
            } else {
                let id = incidentID(now)
                emit(
                    FallbackRecord(
                        .incidentOpened, at: now, since: route.since, error: route.error, incident: id, cause: "route",
                        routes: [route.agency]))
                logger.critical(
                    "outage: electronic delivery down past the threshold; paper fallback log started",
                    metadata: [
                        "incident": "\(id)", "recipient": "\(route.agency)",
                        "since": "\(Timestamp.string(route.since))",
                    ])
            }
        }
    }

    /// Documents waiting on a route of the open incident go into the log; hỏa tốc ones on any failing route too.
    private func addDocuments(
        _ waiting: [WaitingDocument], names: [AgencyCode: String], now: Date, emit: (FallbackRecord) -> Void
    ) {
        let open = state.openIncident
        for job in waiting.sorted(by: Self.urgentFirst) {
            let document = job.document
            for recipient in job.pending where state.failing[recipient.rawValue] != nil {
                let existing = state.entry("\(job.packetId.rawValue) \(recipient)")
                if let open, open.routes.contains(recipient.rawValue) {
                    guard existing?.incidents.contains(open.id) != true else { continue }
                    let reason = existing?.document.reason ?? "threshold"
                    emit(
                        FallbackRecord(
                            .document, at: now, incident: open.id,
                            document: Self.document(job, document, to: recipient, names: names, reason: reason)))
                } else if existing == nil, document.priority >= .hoaToc {
                    emit(
                        FallbackRecord(
                            .document, at: now,
                            document: Self.document(job, document, to: recipient, names: names, reason: "urgent")))
                    logger.critical(
                        "hỏa tốc document not delivered: in the paper fallback log for immediate report",
                        metadata: ["packet": "\(job.packetId)", "recipient": "\(recipient)"])
                }
            }
        }
    }

    /// The open route incident closes once all its routes work again and nothing waits for them.
    private func closeIncident(_ waiting: [WaitingDocument], now: Date, emit: (FallbackRecord) -> Void) {
        guard let open = state.openIncident, open.cause == "route",
            open.routes.allSatisfy({ state.failing[$0] == nil }),
            !waiting.contains(where: { job in job.pending.contains { open.routes.contains($0.rawValue) } })
        else { return }
        let end = open.routes.compactMap { state.restoredAt[$0] }.max() ?? now
        let worked = calendar.workingTime(from: open.since, to: end)
        emit(FallbackRecord(.incidentClosed, at: now, incident: open.id, end: end, workingSeconds: worked.seconds))
        logger.notice(
            "outage over: incident closed",
            metadata: ["incident": "\(open.id)", "workingHours": "\(String(format: "%.2f", worked.seconds / 3600))"])
    }

    /// Under the log's lock: applies what other writers appended, lets `body` emit records (each applied to the
    /// state at once, so later decisions see it), appends them fsync'd, and marks the pages stale if anything changed.
    private func appendToLog(_ body: (_ emit: (FallbackRecord) -> Void) -> Void) throws {
        var entered: [String] = []  // the reason of each document new to the log, counted once the log has it
        offset = try log.update(from: offset) { others in
            for record in others { state.apply(record) }
            entered = []
            var fresh: [FallbackRecord] = []
            body { record in
                if record.kind == .document, let document = record.document, state.entry(document.key) == nil {
                    entered.append(document.reason)
                }
                fresh.append(record)
                state.apply(record)
            }
            if !others.isEmpty || !fresh.isEmpty { stale = true }
            return fresh
        }
        for reason in entered { FallbackMetrics.paperLogEntry(reason: reason) }
    }

    /// When the next route will pass the threshold, for the loop to wake then.
    public func nextDeadline() -> Date? {
        state.failing.values.filter { state.openIncident?.routes.contains($0.agency) != true }
            .compactMap { calendar.instant(after: threshold, from: $0.since) }.min()
    }

    // MARK: The office's own downtime

    /// Reads the log (and when the office last showed it was running), once at start.
    public func start() {
        do {
            offset = try log.update(from: 0) { records in
                state = FallbackState(records)
                return []
            }
        } catch {
            logger.error("cannot read the paper fallback log", metadata: ["path": "\(log.path)", "error": "\(error)"])
        }
        lastHeartbeat = Heartbeat.read(log.directory)
    }

    /// When the office was down (its last heartbeat) for at least the threshold of working time, that instant.
    public func downtimeStart() -> Date? {
        guard let last = lastHeartbeat, calendar.workingTime(from: last, to: clock.now()) >= threshold else {
            return nil
        }
        return last
    }

    /// Records that the office was down from `since` to `until` while `jobs` waited: an incident, opened and closed,
    /// listing them (those delivered since are marked so at once).
    public func recordDowntime(
        since: Date, until: Date, documents waited: [WaitingDocument], names: [AgencyCode: String]
    ) {
        let now = clock.now()
        guard !waited.isEmpty else { return }
        do {
            try appendToLog { emit in
                let id = incidentID(since)
                emit(
                    FallbackRecord(
                        .incidentOpened, at: now, since: since, error: "the office was not running", incident: id,
                        cause: "office", routes: []))
                for job in waited.sorted(by: Self.urgentFirst) {
                    let document = job.document
                    for recipient in document.to {
                        emit(
                            FallbackRecord(
                                .document, at: now, incident: id,
                                document: Self.document(job, document, to: recipient, names: names, reason: "office")))
                        if let delivered = job.delivered[recipient] {
                            emit(
                                FallbackRecord(
                                    .delivered, at: now, agency: recipient.rawValue, since: delivered,
                                    packetId: job.packetId.rawValue))
                        }
                    }
                }
                let worked = calendar.workingTime(from: since, to: until)
                emit(FallbackRecord(.incidentClosed, at: now, incident: id, end: until, workingSeconds: worked.seconds))
                logger.warning(
                    "the office was down past the outage threshold while documents waited: incident recorded",
                    metadata: [
                        "incident": "\(id)", "since": "\(Timestamp.string(since))", "documents": "\(waited.count)",
                    ])
            }
        } catch {
            logger.error("cannot write the paper fallback log", metadata: ["path": "\(log.path)", "error": "\(error)"])
        }
    }

    /// Notes that the office is running: every ten seconds at most (more often with a threshold under 30 s, so a
    /// quick restart never looks like an outage), and always when `final` (a clean stop).
    public func heartbeat(final: Bool = false) {
        let now = clock.now()
        let interval = min(10, threshold.seconds / 3)
        if !final, let last = lastHeartbeat, now.timeIntervalSince(last) < interval, now >= last { return }
        do {
            try Heartbeat.write(log.directory, at: now)
            lastHeartbeat = now
        } catch {
            logger.error("cannot write the heartbeat", metadata: ["path": "\(log.directory)", "error": "\(error)"])
        }
    }

    // MARK: Helpers

    private func incidentID(_ date: Date) -> String {
        let local = Timestamp.string(date, in: calendar.timeZone)
        let digits = local.prefix(19).filter(\.isNumber)  // yyyyMMddHHmmss
        let base = "SC-\(digits.prefix(8))-\(digits.dropFirst(8).prefix(6))"
        var id = base
        var copy = 2
        while state.incidents.contains(where: { $0.id == id }) {
            id = "\(base)-\(copy)"
            copy += 1
        }
        return id
    }

    /// Most urgent first, then by packet id (the order of packing).
    public static func urgentFirst(_ a: WaitingDocument, _ b: WaitingDocument) -> Bool {
        let pa = a.document.priority
        let pb = b.document.priority
        return pa != pb ? pa > pb : a.packetId.rawValue < b.packetId.rawValue
    }

    static func document(
        _ job: WaitingDocument, _ document: ClerkSidecar, to recipient: AgencyCode, names: [AgencyCode: String],
        reason: String
    ) -> FallbackDocument {
        FallbackDocument(
            packetId: job.packetId.rawValue, sender: job.sender.rawValue,
            senderName: names[job.sender] ?? job.sender.rawValue,
            recipient: recipient.rawValue, recipientName: names[recipient] ?? recipient.rawValue,
            numberAndNotation: document.numberAndNotation, issuedDate: document.issuedDate.description,
            typeName: document.typeName, subject: document.subject, signer: document.signerInfo?.displayName ?? "",
            priority: document.priority.rawValue, secrecy: document.secrecy?.rawValue,
            immediate: document.priority >= .hoaToc, reason: reason)
    }
}

/// What the daemon tells the outage monitor besides delivery events: answers from the index and the file system,
/// each allowed to fail (then nothing is concluded). Called on the daemon's loop thread only.
public struct OutageFacts {
    public enum Outcome {
        case delivered(Date)
        case refused(Date)
    }

    /// Whether the index records the packet delivered to (or refused by) the recipient.
    public var outcome: (String, AgencyCode) -> Outcome?
    /// Whether the recipient's inbox can be reached now.
    public var reachable: (AgencyCode) -> Bool

    public init(outcome: @escaping (String, AgencyCode) -> Outcome?, reachable: @escaping (AgencyCode) -> Bool) {
        self.outcome = outcome
        self.reachable = reachable
    }
}
