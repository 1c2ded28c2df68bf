import DurableIO
import Fallback
import Foundation
import Intake
import Ledger
import Logging
import Packets
import Signing
import Spool
import WorkingTime

/// The office's work on claimed drops, in batches: read and check each sidecar (`prepare`), build the packets
/// (`build`), publish them durably into the archive (`publish`), deliver them to every recipient's inbox
/// (`DeliveryStage.deliver`), and file the originals under sent/ (`DeliveryStage.complete`). Each stage takes the
/// values the one before returned (`Stages.swift`) and returns new ones.
///
/// Each step ends in an atomic rename and is recorded in the journal, and durability is bought once per batch
/// (every new file fsync'd together, then the renames, then one fsync of each folder touched), so a crash anywhere
/// leaves either the old state or the new one, and recovery (`recover()`) finishes whatever was begun.
///
/// Used only on the daemon's loop thread.
final class Pipeline {
    let spool: SpoolLayout
    let config: OfficeConfig
    let roster: AgencyRoster
    let index: LedgerIndex
    let paths: WorkPaths
    let recorder: Recorder
    /// The delivery step, with what it needs and nothing of the loop's.
    let deliveries: DeliveryStage
    /// Packet files placed into inboxes from outside.
    let arrivals: ArrivalDesk
    let clock: OfficeClock
    let logger: Logger
    /// Shipments whose delivery to some recipient failed; retried later.
    var waiting: [Shipment] = []
    /// When set, every shipment taken through (recovered or new) is kept here, as it last stood: the backlog found
    /// at start after the office itself was down.
    var collected: [PacketID: Shipment]?
    /// The first failure of the office's own storage (no space, read-only, I/O error) since the daemon last looked:
    /// what failed, and where. The drops it touched stay claimed and are tried again; the daemon tells the admin.
    var storageFailure: (error: String, path: String)?
    /// How many times `recover()` ran (the daemon's sign that claimed drops were tried again).
    var recoveries = 0
    /// The last `queue retry` request taken, and the holds seen at the last pass (`Pipeline+Queue`).
    var retrySequence: Int64?
    var lastHolds: Set<String> = []
    /// The queue snapshot last written to `state/queue.json`.
    var lastSnapshot: [UInt8] = []
    /// Damage to the journal that is not a torn tail, met where an error is logged rather than thrown.
    var journalDamage: JournalDamagedError?

    init(
        spool: SpoolLayout, config: OfficeConfig, roster: AgencyRoster, journal: Journal, index: LedgerIndex,
        clock: OfficeClock, logger: Logger, observer: (any DeliveryObserver)? = nil
    ) {
        self.spool = spool
        self.config = config
        self.roster = roster
        self.index = index
        self.paths = WorkPaths(spool: spool)
        self.recorder = Recorder(journal: journal, index: index)
        self.deliveries = DeliveryStage(
            spool: spool, config: config, paths: paths, recorder: recorder, clock: clock, logger: logger,
            observer: observer)
        self.arrivals = ArrivalDesk(receiver: deliveries.receiver)
        self.clock = clock
        self.logger = logger
    }

    /// Claims `drops` (in the order given: urgent first) and takes them all the way through. Returns how many
    /// drops were claimed (others were taken by another daemon meanwhile).
    @discardableResult
    func process(_ drops: [Drop]) throws -> Int {
        let start = ContinuousClock.now
        var claimed: [ClaimedDrop] = []
        var folders: Set<String> = []
        for drop in drops {
            let outbox = spool.outbox(drop.agency)
            let droppedAt = Self.completed(drop, in: outbox)
            let id = PacketID.make(at: clock.now())
            guard let claim = try Claim.take(drop, from: outbox, id: id, paths: paths) else { continue }
            claimed.append(ClaimedDrop(claim: claim, id: id, droppedAt: droppedAt))
            folders.formUnion([outbox, paths.claims(drop.agency), claim.directory])
        }
        guard !claimed.isEmpty else { return 0 }
        // The claims must be on disk before anything they lead to is, or a power cut could bring a file back
        // into the outbox after its packet was archived.
        try Durable.syncAll(Array(folders))
        logger.debug(
            "claimed",
            metadata: ["jobs": "\(claimed.count)", "ms": "\(Int((ContinuousClock.now - start).seconds * 1000))"])
        try run(claimed)
        return claimed.count
    }

    /// Takes claimed drops through every stage.
    func run(_ claimed: [ClaimedDrop]) throws {
        var timings: [(String, Duration)] = []
        func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            defer { timings.append((name, ContinuousClock.now - start)) }
            return try body()
        }
        let prepared = step("prepare") { prepare(claimed) }
        let staged = step("build") { build(prepared) }
        let published = try step("publish") { try publish(staged) }
        try ship(published.map { Shipment($0, pending: $0.document.to) }, step: step)
        OfficeMetrics.batch(took: timings.reduce(.zero) { $0 + $1.1 })
        logger.debug(
            "batch",
            metadata: [
                "jobs": "\(claimed.count)", "packed": "\(published.count)",
                "ms": "\(timings.map { "\($0.0)=\(Int($0.1.seconds * 1000))" }.joined(separator: " "))",
            ])
    }

    /// Delivers `shipments`, files those every recipient has under sent/, and keeps the others waiting.
    func ship(_ shipments: [Shipment], step: (String, () throws -> Void) throws -> Void = { try $1() }) throws {
        guard !shipments.isEmpty else { return }
        let routes = roster.routes
        let holds = try index.holds()
        let heldRoutes = Set(holds.filter { $0.kind == "route" }.map(\.key))
        let heldPackets = Set(holds.filter { $0.kind == "packet" }.map(\.key))
        var shipments = try redirect(shipments)
        for position in shipments.indices {
            let packetHeld = heldPackets.contains(shipments[position].id.rawValue)
            shipments[position].held = Set(
                shipments[position].pending.filter { packetHeld || heldRoutes.contains($0.rawValue) })
        }
        var advanced: [Shipment] = []
        try step("deliver") { advanced = try deliveries.deliver(shipments, routes: routes) }
        try step("complete") { try deliveries.complete(advanced.filter(\.isDone), routes: routes) }
        // Held for all it still waits for: tried again only when released (`takeAdminRequests`), not every pass;
        // paused (an inbox being moved): looked at again a second later.
        for position in advanced.indices where !advanced[position].isDone {
            let shipment = advanced[position]
            guard shipment.pending.allSatisfy({ shipment.held.contains($0) || shipment.paused.contains($0) }) else {
                continue
            }
            let at = shipment.paused.isEmpty ? Date.distantFuture : clock.now().addingTimeInterval(1)
            advanced[position].retry = Shipment.Retry(
                at: at, delay: shipment.retry?.delay ?? config.outage.retryInitial)
        }
        waiting += advanced.filter { !$0.isDone }
        if collected != nil { for shipment in advanced { collected?[shipment.id] = shipment } }
    }

    /// Tries again the deferred deliveries that are due at `now`. Whatever waits for a route tried now is tried with
    /// it, and the backlog goes most urgent first: the first retry to find a route back must not deliver an ordinary
    /// document before a hỏa tốc one.
    func retryDue(at now: Date) throws {
        try takeAdminRequests()
        let ready = waiting.filter { ($0.retry?.at ?? now) <= now }
        guard !ready.isEmpty else { return }
        let tried = Set(ready.flatMap(\.pending))
        let due = waiting.filter { ($0.retry?.at ?? now) <= now || $0.pending.contains(where: tried.contains) }
            .sorted(by: Shipment.urgentFirst)
        let dueIds = Set(due.map(\.id))
        waiting.removeAll { dueIds.contains($0.id) }
        try ship(due)
    }

    /// Deliveries waiting for `routes` (which work again) are tried at the next pass instead of after their backoff.
    func expedite(_ routes: Set<AgencyCode>) {
        guard !routes.isEmpty else { return }
        for index in waiting.indices where waiting[index].pending.contains(where: routes.contains) {
            waiting[index].retry = nil
        }
    }

    /// When the next deferred delivery is due (`now` for one due at the next pass); nil when none waits.
    func nextRetry(now: Date) -> Date? { waiting.map { $0.retry?.at ?? now }.min() }

    /// When the drop was complete in the outbox: the newest status change (ctime) of its entries, which a copy that
    /// keeps the original's modification time (Windows Explorer, `cp -p`) still sets to the time of the copy.
    static func completed(_ drop: Drop, in outbox: String) -> Date? {
        drop.names.compactMap { FileSystem.status(Directory.join(outbox, $0)) }
            .map { Date(timeIntervalSince1970: Double($0.st_ctim.tv_sec) + Double($0.st_ctim.tv_nsec) / 1e9) }.max()
    }

    /// Notes a failure of the office's own storage at `path` (the first one counts).
    func storageFailed(_ error: Error, path: String) {
        if storageFailure == nil { storageFailure = ("\(error)", path) }
    }

    /// Whether `error` is the office's own storage refusing a write: a file error of the disk (`isStorageFailure`),
    /// or SQLite finding its disk full or failing (the index in state/).
    static func isStorageFailure(_ error: Error) -> Bool {
        if let error = error as? FileError { return error.isStorageFailure }
        let text = "\(error)"
        return text.contains("SQLITE_FULL") || text.contains("SQLITE_IOERR") || text.contains("disk is full")
            || text.contains("SQLITE_READONLY")
    }

    /// Appends events to the journal and brings the index up to date.
    func record(_ events: [LedgerEvent]) throws { try recorder.record(events) }
}
