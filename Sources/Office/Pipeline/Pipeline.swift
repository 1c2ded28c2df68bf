import DurableIO
import Foundation
import Ledger
import Logging
import Packets
import Signing
import Spool

/// The office's work on claimed drops, in batches: read and check each sidecar, build the packets, publish them
/// durably into the archive, deliver them to every recipient's inbox, and file the originals under sent/.
///
/// Each step ends in an atomic rename and is recorded in the journal, and durability is bought once per batch
/// (every new file fsync'd together, then the renames, then one fsync of each folder touched), so a crash anywhere
/// leaves either the old state or the new one, and recovery (`recover()`) finishes whatever was begun.
final class Pipeline {
    let spool: SpoolLayout
    let config: OfficeConfig
    let roster: AgencyRoster
    let index: LedgerIndex
    let paths: WorkPaths
    let recorder: Recorder
    /// The delivery step, with what it needs and nothing of the loop's.
    let deliveries: DeliveryStage
    let clock: OfficeClock
    let logger: Logger
    /// Jobs whose packet is archived but whose delivery to some recipient failed; retried later.
    var waiting: [Job] = []
    /// When set, every job taken through (recovered or new) is added: the backlog found at start after the office
    /// itself was down.
    var collected: [Job]?
    /// The first failure of the office's own storage (no space, read-only, I/O error) since the daemon last looked:
    /// what failed, and where. The drops it touched stay claimed and are tried again; the daemon tells the admin.
    var storageFailure: (error: String, path: String)?
    /// How many times `recover()` ran (the daemon's sign that claimed drops were tried again).
    var recoveries = 0
    /// Damage to the journal that is not a torn tail, met where an error is logged rather than thrown.
    var journalDamage: JournalDamagedError?

    init(spool: SpoolLayout, config: OfficeConfig, roster: AgencyRoster, journal: Journal, index: LedgerIndex,
         clock: OfficeClock, logger: Logger, observer: (any DeliveryObserver)? = nil) {
        self.spool = spool
        self.config = config
        self.roster = roster
        self.index = index
        self.paths = WorkPaths(spool: spool)
        self.recorder = Recorder(journal: journal, index: index)
        self.deliveries = DeliveryStage(spool: spool, config: config, paths: paths, recorder: recorder, clock: clock, logger: logger,
                                        observer: observer)
        self.clock = clock
        self.logger = logger
    }

    /// Claims `drops` (in the order given: urgent first) and takes them all the way through. Returns how many
    /// drops were claimed (others were taken by another daemon meanwhile).
    @discardableResult
    func process(_ drops: [Drop]) throws -> Int {
        let start = ContinuousClock.now
        var jobs: [Job] = []
        var folders: Set<String> = []
        for drop in drops {
            let outbox = spool.outbox(drop.agency)
            let droppedAt = Self.completed(drop, in: outbox)
            guard let claim = try Claim.take(drop, from: outbox, id: PacketID.make(at: clock.now()), paths: paths) else { continue }
            let job = Job(claim: claim)
            job.droppedAt = droppedAt
            jobs.append(job)
            folders.formUnion([outbox, paths.claims(drop.agency), claim.directory])
        }
        guard !jobs.isEmpty else { return 0 }
        // The claims must be on disk before anything they lead to is, or a power cut could bring a file back
        // into the outbox after its packet was archived.
        try Durable.syncAll(Array(folders))
        logger.debug("claimed", metadata: ["jobs": "\(jobs.count)", "ms": "\(Int((ContinuousClock.now - start).seconds * 1000))"])
        try run(jobs)
        return jobs.count
    }

    /// Takes claimed jobs through every step that is still to do.
    func run(_ jobs: [Job]) throws {
        var timings: [(String, Duration)] = []
        func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            defer { timings.append((name, ContinuousClock.now - start)) }
            return try body()
        }
        let prepared = step("prepare") { prepare(jobs) }
        let built = step("build") { build(prepared) }
        try step("publish") { try publish(built) }
        let routes = roster.routes
        try step("deliver") { try deliveries.deliver(built, routes: routes) }
        try step("complete") { try deliveries.complete(built.filter { $0.pending.isEmpty }, routes: routes) }
        waiting += built.filter { !$0.pending.isEmpty }
        collected? += built
        OfficeMetrics.batch(took: timings.reduce(.zero) { $0 + $1.1 })
        logger.debug("batch", metadata: ["jobs": "\(jobs.count)", "packed": "\(built.count)",
                                         "ms": "\(timings.map { "\($0.0)=\(Int($0.1.seconds * 1000))" }.joined(separator: " "))"])
    }

    /// Deliveries waiting for `routes` (which work again) are tried at the next pass instead of after their backoff.
    func expedite(_ routes: Set<AgencyCode>) {
        guard !routes.isEmpty else { return }
        for job in waiting where job.pending.contains(where: routes.contains) {
            job.retryAt = nil
            job.retryDelay = nil
        }
    }

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

    /// `path` relative to the spool when it lies inside it.
    func spoolRelative(_ path: String) -> String { paths.spoolRelative(path) }

    /// Appends events to the journal and brings the index up to date.
    func record(_ events: [LedgerEvent]) throws { try recorder.record(events) }

}
