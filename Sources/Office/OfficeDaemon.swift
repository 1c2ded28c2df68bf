import DurableIO
import Fallback
import Foundation
import Intake
import Ledger
import Logging
import Packets
import ServiceLifecycle
import ServiceNotify
import Spool
import WorkingTime

#if canImport(Glibc)
import Glibc
#endif

/// The watched-folder office as a service: it watches every agency's outbox, turns settled drops into signed,
/// archived packets delivered to their recipients' inboxes, returns what cannot be sent with a reason, and on
/// SIGTERM or SIGINT finishes the batch in hand and claims nothing new.
public final class OfficeDaemon: Service, @unchecked Sendable {
    // Sendable: the stored properties are immutable and Sendable; all mutable state (pipeline, monitor, roster)
    // is created and used only on the daemon's own loop thread.

    /// What `run()` does when nothing is left.
    public enum Mode: Sendable {
        /// Keep watching until asked to stop.
        case daemon
        /// Process everything pending, deliver, and return (`lienthong watch --once`).
        case once
    }

    public let spool: SpoolLayout
    public let config: OfficeConfig
    private let mode: Mode
    private let clock: OfficeClock
    private let logger: Logger
    private let control = LoopControl()
    /// systemd's `Type=notify` protocol: READY=1 once started, STOPPING=1 on SIGTERM, WATCHDOG=1 from the loop.
    private let notifier = ServiceNotifier()
    private let batchSize = 256

    /// Checks office.yaml and every agency.yaml; a bad one is refused here, with its line.
    public init(spool: SpoolLayout, mode: Mode, clock: OfficeClock = .system, logger: Logger) throws {
        self.spool = spool
        self.mode = mode
        self.clock = clock
        self.logger = logger
        config =
            FileSystem.exists(RawPath(spool.officeConfig)) ? try OfficeConfig.load(spool.officeConfig) : OfficeConfig()
        _ = try AgencyDirectory.load(spool)
        // A broken override would leave the office without its paper fallback pages in an outage: refuse it now.
        try TemplateChecker.requireUsableOverrides(spool: spool)
    }

    /// Runs the loop until asked to stop (SIGTERM/SIGINT through swift-service-lifecycle, or `stop()`).
    ///
    /// The loop runs on a thread of its own, not as a task, on purpose: every step of it blocks — fsync of a
    /// batch, SQLite through GRDB, OpenSSL signing, libarchive reading a 1 GiB document, `LoopControl.wait` between
    /// passes — for as long as the disks and shares take (a hung NFS mount blocks a `stat` for minutes). On the
    /// cooperative pool (one thread per core: two on the office's machine) that would starve every other task of
    /// the process, the metrics endpoint and the shutdown handler among them, and Swift offers no way to mark a task
    /// as blocking. The thread is the one structured piece that cannot be: it is started here, the continuation is
    /// resumed exactly once when the loop returns or throws, and the shutdown handler only rings `control`.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let thread = Thread { [self] in
                    do {
                        try loop()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "lienthong-office"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onGracefulShutdown: { [control, logger, notifier] in
            logger.info("shutting down: finishing the batch in hand, claiming nothing new")
            notifier.stopping()
            control.requestStop()
        }
    }

    /// Asks a running daemon to stop (as SIGTERM does).
    public func stop() { control.requestStop() }

    private func loop() throws {
        try FileSystem.makeDirectory(RawPath(spool.state), mode: 0o700)
        OfficeMetrics.journalDamaged(false)
        let journal = try Journal(
            path: spool.state + "/journal.jsonl", timeZone: config.calendar.timeZone, clock: clock.now,
            repaired: { [logger] repair in
                logger.warning(
                    "the journal's last line was torn (a write cut short, a full disk, a bad copy); cut off",
                    metadata: ["repair": "\(repair)"])
            })
        let index = try openIndex(journal)
        let roster = try AgencyRoster(spool: spool, logger: logger)
        roster.now = clock.now
        let outage = OutageMonitor(
            spool: spool, config: config, calendar: WorkingCalendar(config.calendar), clock: clock, logger: logger)
        outage.start()
        // The office's own downtime: a heartbeat older than the threshold, while documents waited, is an outage.
        var downtime = outage.downtimeStart()
        let startedAt = clock.now()
        outage.heartbeat()
        let pipeline = Pipeline(
            spool: spool, config: config, roster: roster, journal: journal, index: index, clock: clock,
            logger: logger, observer: outage)
        if downtime != nil { pipeline.collected = [:] }
        outage.facts = OutageFacts(
            outcome: { [clock] packet, recipient in
                if let date = try? index.deliveries(packet)[recipient.rawValue] { return .delivered(date) }
                if (try? index.refusals(packet))?.contains(recipient.rawValue) == true { return .refused(clock.now()) }
                return nil
            },
            reachable: { code in
                let inbox = roster.inbox(code)
                var info = stat()
                return stat(inbox, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
            })
        let monitor = OutboxMonitor(spool: spool, config: config, clock: clock, remembers: mode == .daemon)
        let storage = StorageAlarm(
            root: spool.root, initial: config.outage.retryInitial,
            cap: max(config.watch.rescanInterval, .seconds(1)), logger: logger)
        let gauges = RouteGauges()
        let watcher = try startWatcher()
        defer { watcher?.stop() }
        do {
            try journal.append(
                .started(mode: mode == .once ? "once" : "daemon", watch: watcher == nil ? "poll" : "inotify"))
        } catch let damage as JournalDamagedError {
            try halt(damage)
        }
        logger.info(
            "office started",
            metadata: [
                "spool": "\(spool.root)", "agencies": "\(roster.agencies.count)",
                "watch": "\(watcher == nil ? "poll" : config.watch.mode == .auto ? "auto" : "inotify")",
            ])
        warnHandoversDue(index)
        /// After each pass, before waiting: the outage monitor sees what delivery did (it depends on nothing the pass
        /// may have found broken, so it runs after a failed pass too).
        func watchOutages(backlogDone: Bool) {
            outage.heartbeat()
            if let since = downtime, backlogDone {
                outage.recordDowntime(
                    since: since, until: startedAt, documents: (pipeline.collected ?? [:]).values.map(\.waiting),
                    names: roster.routes.names)
                pipeline.collected = nil
                downtime = nil
            }
            outage.evaluate(waiting: pipeline.waiting.map(\.waiting), names: roster.routes.names)
            pipeline.writeQueueSnapshot(now: clock.now())
            pipeline.expedite(outage.takeRestored())
            gauges.update(
                waiting: pipeline.waiting, failing: Set(outage.state.failing.keys),
                incidentOpen: outage.state.openIncident != nil,
                routes: roster.agencies.keys, now: clock.now())
        }

        var nextRescan = clock.instant() + config.watch.rescanInterval
        do {
            try pipeline.recover()
        } catch let damage as JournalDamagedError {
            try halt(damage)
        } catch  where mode == .daemon && Pipeline.isStorageFailure(error) {
            // A full disk at start: the claims wait, and are tried again as in any pass.
            logger.error("office pass failed", metadata: ["error": "\(error)"])
            pipeline.storageFailed(error, path: spool.state)
            if case .failing(let delay) = storage.update(pipeline.storageFailure, retried: true) {
                nextRescan = clock.instant() + delay
            }
            watchOutages(backlogDone: false)
        } catch {
            watchOutages(backlogDone: false)
            throw error
        }
        // The journal, the index, the roster (trust store, agencies) are open and what a crash left is finished:
        // systemd may now count the office as started.
        notifier.ready(status: "watching \(roster.agencies.count) agencies")

        while !control.isStopping {
            notifier.watchdog()
            do {
                let busy = try pass(
                    roster: roster, pipeline: pipeline, monitor: monitor, watcher: watcher, nextRescan: &nextRescan,
                    outage: outage, storage: storage, afterWork: watchOutages)
                if let damage = pipeline.journalDamage { throw damage }
                if busy == nil { break }
            } catch let damage as JournalDamagedError {
                try halt(damage)
            } catch {
                // One bad step must not stop the office: log, pause, look again (the claims stay on disk).
                // A one-off run (`--once`, from cron) reports it instead, with a non-zero exit.
                logger.error("office pass failed", metadata: ["error": "\(error)"])
                watchOutages(backlogDone: false)
                if mode == .once { throw error }
                var pause = max(config.watch.pollInterval, .seconds(1))
                if Pipeline.isStorageFailure(error) {
                    // The office's own disk: the claims (and the deliveries this pass held) are tried again by a
                    // recovery after the backoff, never returned to the clerks.
                    pipeline.storageFailed(error, path: spool.state)
                    if case .failing(let delay) = storage.update(pipeline.storageFailure, retried: false) {
                        pause = delay
                        nextRescan = clock.instant() + delay
                    }
                }
                wait(pause)
            }
        }
        outage.heartbeat(final: true)
        try journal.append(.stopped)
        logger.info("office stopped")
    }

    /// The journal is damaged beyond a torn tail: appending after it would build on a broken chain, so the office
    /// stops working, loudly (a critical log line every rescan interval, `lienthong_journal_damaged` at 1, the
    /// stalled-pass alert; `lienthong doctor` shows the line), until it is stopped (exit 1) and the journal restored.
    private func halt(_ damage: JournalDamagedError) throws -> Never {
        OfficeMetrics.journalDamaged(true)
        while mode == .daemon, !control.isStopping {
            logger.critical(
                "the journal is damaged; the office has stopped working: nothing is claimed, delivered or recorded until it is restored from a backup",
                metadata: ["error": "\(damage)"])
            control.wait(max(config.watch.rescanInterval, .seconds(1)))
        }
        throw damage
    }

    /// The index, brought up to date with the journal; an index that cannot be opened (a damaged file) is rebuilt
    /// from the archive and the journal, which are the truth it is derived from.
    private func openIndex(_ journal: Journal) throws -> LedgerIndex {
        let path = spool.state + "/index.sqlite"
        do {
            let index = try LedgerIndex(path: path)
            try index.catchUp(with: journal)
            return index
        } catch {
            logger.error(
                "the index cannot be used; rebuilding it from the archive and the journal",
                metadata: ["error": "\(error)"])
            do {
                let lock = try FileLock.acquire(path + ".lock")
                defer { withExtendedLifetime(lock) {} }
                for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            }
            _ = try LedgerIndex.rebuild(at: path, archive: spool.archive, spoolRoot: spool.root, journal: journal)
            let index = try LedgerIndex(path: path)
            try index.catchUp(with: journal)
            return index
        }
    }

    /// One look at every outbox and the work it finds; returns nil when `--once` is done, else after waiting.
    private func pass(
        roster: AgencyRoster, pipeline: Pipeline, monitor: OutboxMonitor, watcher: InotifyWatcher?,
        nextRescan: inout ContinuousClock.Instant, outage: OutageMonitor, storage: StorageAlarm,
        afterWork: (_ backlogDone: Bool) -> Void
    ) throws -> Bool? {
        pipeline.storageFailure = nil
        let recoveries = pipeline.recoveries
        roster.refresh()
        roster.updateCodeList()
        roster.closeRetiredOutboxes(now: clock.now(), timeZone: config.calendar.timeZone)
        if clock.instant() >= roster.nextExpiryCheck {
            roster.warnExpiringCertificates(now: clock.now(), timeZone: config.calendar.timeZone)
            roster.nextExpiryCheck = clock.instant() + .seconds(3600)
        }
        if let watcher { watchOutboxes(roster, watcher) }
        let looked = ContinuousClock.now
        let routes = roster.routes
        let look = monitor.look(roster.agencies.keys.sorted(), inboxes: routes.inboxes, watcher: watcher)
        logger.debug(
            "looked",
            metadata: [
                "ready": "\(look.ready.count)", "settling": "\(look.settling)",
                "ms": "\(Int((ContinuousClock.now - looked).seconds * 1000))",
            ])
        for (agency, name) in look.reasonCopies where !control.isStopping {
            do {
                try ReasonCopies.putBack(name, from: spool.outbox(agency), to: spool.rejected(agency), logger: logger)
            } catch {
                logger.error(
                    "cannot put a reason file copied into the outbox back into rejected/",
                    metadata: ["agency": "\(agency)", "name": "\(name)", "error": "\(error)"])
            }
        }
        for stray in look.strays where !control.isStopping {
            do {
                try returnStray(stray, nearly: look.nearly[stray.name] ?? [], pipeline)
            } catch {
                logger.error(
                    "cannot return an entry to rejected/",
                    metadata: ["agency": "\(stray.agency)", "name": "\(stray.name)", "error": "\(error)"])
            }
        }
        for (drop, files) in look.expired where !control.isStopping {
            do {
                try returnIncomplete(drop, files, pipeline)
            } catch {
                logger.error(
                    "cannot return an incomplete drop to rejected/",
                    metadata: [
                        "agency": "\(drop.agency)",
                        "names": "\(drop.names)", "error": "\(error)",
                    ])
            }
        }
        var queue = look.ready[...]
        while !queue.isEmpty, !control.isStopping {
            let batch = Array(queue.prefix(batchSize))
            queue = queue.dropFirst(batchSize)
            try pipeline.process(batch)
            notifier.watchdog()
        }
        if !look.arrivals.isEmpty { pipeline.arrivals.receive(look.arrivals, routes: routes) }
        try pipeline.retryDue(at: clock.now())
        let now = clock.instant()
        if now >= nextRescan || watcher?.takeOverflow() == true {
            try pipeline.recover()  // claims left by a daemon that stopped
            nextRescan = now + config.watch.rescanInterval
        }
        switch storage.update(pipeline.storageFailure, retried: pipeline.recoveries > recoveries) {
        case .failing(let delay): nextRescan = min(nextRescan, now + delay)  // the claims kept are tried again then
        case .recovered: pipeline.expedite(Set(roster.agencies.keys))  // and deliveries deferred meanwhile, at once
        case .fine: break
        }
        afterWork(look.ready.isEmpty && look.arrivals.isEmpty && look.settling == 0)
        OfficeMetrics.passSucceeded(at: clock.now())
        if mode == .once, look.ready.isEmpty, look.arrivals.isEmpty, look.settling == 0 {
            if !pipeline.waiting.isEmpty {
                logger.warning(
                    "deliveries still deferred at exit; they are retried on the next run",
                    metadata: ["packets": "\(pipeline.waiting.count)"])
            }
            return nil
        }
        // More may have come meanwhile: look again at once.
        if !look.ready.isEmpty || !look.arrivals.isEmpty { return true }
        var wake = nextRescan
        if let deadline = look.nextDeadline { wake = min(wake, deadline) }
        if watcher == nil || usesPolling(roster) { wake = min(wake, now + config.watch.pollInterval) }
        let wall = clock.now()
        // A deferred delivery's next try (at once for a route that works again), and the next outage threshold.
        // (A threshold already passed whose incident could not be written is looked at again a second later.)
        let threshold = outage.nextDeadline().map { max($0, wall.addingTimeInterval(1)) }
        // A retirement scheduled ahead (agency retire --at) takes effect on time, not at the next rescan.
        let retirement = roster.agencies.values.compactMap(\.retirement?.at).filter { $0 > wall }.min()
        for deadline in [pipeline.nextRetry(now: wall), threshold, retirement].compactMap({ $0 }) {
            wake = min(wake, now + .milliseconds(max(0, Int64((deadline.timeIntervalSince(wall) * 1000).rounded(.up)))))
        }
        wait(max(.zero, clock.instant().duration(to: wake)))
        return true
    }

    /// Sleeps like `control.wait`, until rung or for at most `duration`, waking in between to ping systemd's
    /// watchdog when the unit has one (an idle office may sleep until the next rescan, longer than `WatchdogSec=`).
    private func wait(_ duration: Duration) {
        guard let interval = notifier.watchdogInterval else {
            control.wait(duration)
            return
        }
        let end = ContinuousClock.now + duration
        while true {
            let rung = control.wait(min(interval, max(.zero, ContinuousClock.now.duration(to: end))))
            notifier.watchdog()
            if rung || control.isStopping || ContinuousClock.now >= end { return }
        }
    }

    /// inotify unless office.yaml says poll; under `auto`, outboxes on network file systems are polled too.
    private func startWatcher() throws -> InotifyWatcher? {
        guard config.watch.mode != .poll else { return nil }
        let watcher = try InotifyWatcher(control: control, logger: logger)
        watcher.start()
        return watcher
    }

    private func usesPolling(_ roster: AgencyRoster) -> Bool {
        switch config.watch.mode {
        case .poll: true
        case .inotify: false
        case .auto:
            FileSystem.isNetworkFileSystem(spool.agencies)
                || roster.agencies.keys.contains { FileSystem.isNetworkFileSystem(spool.outbox($0)) }
        }
    }

    /// Adds inotify watches for new agencies, outboxes and folders dropped into them.
    private func watchOutboxes(_ roster: AgencyRoster, _ watcher: InotifyWatcher) {
        let folderEvents = UInt32(IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)
        watcher.watch(spool.agencies, agency: nil, relative: "", mask: folderEvents)
        for code in roster.agencies.keys {
            watcher.watch(spool.agency(code), agency: nil, relative: "", mask: folderEvents)
            let outbox = spool.outbox(code)
            watcher.watch(outbox, agency: code.rawValue, relative: "", mask: InotifyWatcher.fileEvents)
            guard let entries = try? Directory.entries(outbox) else { continue }
            for entry in entries where entry.kind == .directory && !entry.name.isHidden {
                guard let name = entry.name.string else { continue }
                watcher.watch(
                    outbox + "/" + name, agency: code.rawValue, relative: name, mask: InotifyWatcher.fileEvents)
            }
        }
    }

    /// Claims a stray entry and returns it to the clerk with its reason.
    private func returnStray(_ stray: Stray, nearly: [RawName], _ pipeline: Pipeline) throws {
        let outbox = spool.outbox(stray.agency)
        let drop = Drop(agency: stray.agency, shape: .single(stray.name))
        guard let claim = try Claim.take(drop, from: outbox, id: PacketID.make(at: clock.now()), paths: pipeline.paths)
        else { return }
        let wait = config.watch.sidecarWait
        let shown = stray.name.string ?? stray.name.description
        let near = nearly.map { $0.string ?? $0.description }
        let rejection: Rejection
        switch stray.problem {
        case .notRegularFile(let kind): rejection = .notRegularFile(kind)
        case .missingSidecar: rejection = .missingSidecar(shown, wait: wait, nearly: near)
        case .missingDocument: rejection = .missingDocument(shown, wait: wait, nearly: near)
        case .folderWithoutMetadata: rejection = .folderWithoutMetadata(shown, wait: wait)
        }
        try pipeline.reject(claim, rejection)
    }

    /// Returns a drop whose files stayed incomplete for `incompleteWait` to the clerk: never sent cut short.
    private func returnIncomplete(_ drop: Drop, _ files: [WaitingNotice.Incomplete], _ pipeline: Pipeline) throws {
        let outbox = spool.outbox(drop.agency)
        guard let claim = try Claim.take(drop, from: outbox, id: PacketID.make(at: clock.now()), paths: pipeline.paths)
        else { return }
        try pipeline.reject(claim, .incomplete(files, wait: config.watch.incompleteWait))
    }

}

extension OfficeDaemon {
    /// Records due for hand-over to the agency archive within 30 days, or overdue (Decree 30/2020 App. VI III.5.b):
    /// said once when the daemon starts (doctor and the web admin page say it too).
    func warnHandoversDue(_ index: LedgerIndex) {
        guard let pending = try? index.recordsNotHandedOver() else { return }
        let due = HandoverDeadline.due(pending, now: clock.now(), timeZone: config.calendar.timeZone)
        for (key, group) in Dictionary(grouping: due, by: { "\($0.0.agency) \($0.0.year)" }).sorted(by: {
            $0.key < $1.key
        }) {
            logger.warning(
                "records due for hand-over to the agency archive",
                metadata: [
                    "agency": "\(group[0].0.agency)", "year": "\(group[0].0.year)", "records": "\(group.count)",
                    "deadline": "\(Timestamp.string(group[0].1, in: config.calendar.timeZone))",
                    "overdue": "\(clock.now() >= group[0].1)", "key": "\(key)",
                ])
        }
    }
}
