import DurableIO
import Foundation
import Packets
import Spool
import WorkingTime

#if canImport(Glibc)
import Glibc
#endif

/// A packet file placed into an agency's inbox from outside (another office, a USB stick), settled.
public struct PlacedPacket: Sendable, Equatable {
    /// The agency whose inbox it is: the recipient.
    public let agency: AgencyCode
    public let inbox: String
    public let name: RawName
}

/// What one look at every outbox found.
public struct OutboxLook {
    /// Settled drops, urgent first, then oldest first.
    public var ready: [Drop] = []
    /// Entries to return at once (links, FIFOs, devices) or after waiting too long for their other half.
    public var strays: [Stray] = []
    /// Packet files placed into inboxes from outside (another office, a USB stick), settled: (agency, inbox, name).
    public var arrivals: [PlacedPacket] = []
    /// Whether anything is still settling (`--once` waits for it).
    public var settling = 0
    /// Drops held back because a file in them has no end yet (a PDF without `%%EOF` …), each with a notice in its
    /// outbox. They are never taken; `--once` does not wait for them (the next run looks again).
    public var held = 0
    /// Held drops whose files stayed incomplete for `watch.incompleteWait`: returned to the clerk.
    public var expired: [(Drop, [WaitingNotice.Incomplete])] = []
    /// The office's reason files copied back into outboxes, settled: put back into `rejected/`.
    public var reasonCopies: [(AgencyCode, RawName)] = []
    /// For each stray returned for want of its other half, the names that almost match it.
    public var nearly: [RawName: [RawName]] = [:]
    /// Ready drops paired by names that differ only in accents, case or spaces, by their sidecar.
    public var nearPairs: Set<RawName> = []
    /// When the next entry settles, at the earliest.
    public var nextDeadline: ContinuousClock.Instant?
}

/// Looks at every agency's outbox and decides what is ready: settled, not being written, complete-looking; holds
/// what is incomplete, with a notice for the clerk, and says what waited too long.
public final class OutboxMonitor {
    private var tracker: SettleTracker
    /// When each waiting drop (by its notice's key) was first seen waiting, and a digest of the text last written
    /// into its notice.
    private var waitingSince: [SettleTracker.Key: Date] = [:]
    private var written: [SettleTracker.Key: Int] = [:]
    private let spool: SpoolLayout
    private let config: OfficeConfig
    private let clock: OfficeClock

    /// Whether this monitor looks for long (a daemon), so that what it saw first is a time to count from. A single
    /// pass (`watch --once`) has only the files' own times.
    private let remembers: Bool

    public init(spool: SpoolLayout, config: OfficeConfig, clock: OfficeClock, remembers: Bool = true) {
        self.spool = spool
        self.config = config
        self.clock = clock
        self.remembers = remembers
        tracker = SettleTracker(settle: config.watch.settle)
    }

    public func look(_ agencies: [AgencyCode], inboxes: [AgencyCode: String] = [:], watcher: InotifyWatcher?)
        -> OutboxLook
    {
        var look = OutboxLook()
        var seen: Set<SettleTracker.Key> = []
        var ready: [(Drop, Priority, Int64)] = []
        var notices: Set<SettleTracker.Key> = []
        var waitingKeys: Set<SettleTracker.Key> = []
        let now = clock.instant()
        let wallNow = Int64(clock.now().timeIntervalSince1970 * 1e9)
        let waitNanos = Int64(config.watch.sidecarWait.seconds * 1e9)
        let incompleteNanos = Int64(config.watch.incompleteWait.seconds * 1e9)
        for agency in agencies {
            let outbox = spool.outbox(agency)
            guard let listing = try? OutboxScanner.scan(outbox, agency: agency) else { continue }
            look.strays += listing.unsafe
            look.nearPairs.formUnion(listing.nearPairs)
            var keep: Set<RawName> = []

            /// When the drop whose notice is `notice` was first seen waiting (now, if it is now).
            func since(_ notice: RawName) -> Date {
                let key = SettleTracker.Key(agency: agency.rawValue, name: notice)
                waitingKeys.insert(key)
                let since = waitingSince[key] ?? clock.now()
                waitingSince[key] = since
                return since
            }

            /// Writes the drop's notice, keeps it, and remembers it for the next look.
            func notify(_ drop: Drop, _ reasons: [WaitingNotice.Reason], deadline: WaitingNotice.Deadline?) {
                let notice = WaitingNotice.name(for: Self.mainName(of: drop))
                let key = SettleTracker.Key(agency: agency.rawValue, name: notice)
                keep.insert(notice)
                notices.insert(key)
                let text = WaitingNotice.text(
                    drop: drop.names.map { $0.string ?? $0.description }, agency: agency, reasons: reasons,
                    since: since(notice), deadline: deadline, timeZone: config.calendar.timeZone)
                writeNotice(key, text, in: outbox, exists: listing.notices.contains(notice))
            }

            /// Settled when every look for `settle` saw it unchanged; held when settled but a file in it has no end.
            func state(_ name: RawName) -> NameState {
                guard let entry = listing.entries[name] else { return .settling }
                let key = SettleTracker.Key(agency: agency.rawValue, name: name)
                seen.insert(key)
                let path = Directory.join(outbox, name)
                if let watcher, watcher.isBeingWritten(agency: agency.rawValue, name: name.description) {
                    tracker.reset(key)
                    look.settling += 1
                    return .settling
                }
                let signature = SettleTracker.signature(of: entry, at: path.string ?? "")
                let (isSettled, at) = tracker.observe(key, signature, now: now)
                guard isSettled else {
                    look.settling += 1
                    look.nextDeadline = min(look.nextDeadline ?? at, at)
                    return .settling
                }
                let incomplete = Self.incompleteFiles(entry, at: path)
                return incomplete.isEmpty ? .settled : .held(incomplete)
            }

            /// A drop held back: returned once its files stayed incomplete for `incompleteWait`, else a notice says why.
            func hold(_ drop: Drop, _ files: [(WaitingNotice.Incomplete, Int64)]) {
                let lastChange = files.map(\.1).max() ?? wallNow
                let notice = WaitingNotice.name(for: Self.mainName(of: drop))
                // The wait runs from the file's last change, and never ends before `incompleteWait` after this office
                // first saw it held: a file's times come from the machine that wrote it (a share's server), whose
                // clock may be behind ours — a file is then held longer, never returned early.
                let seen = Int64(since(notice).timeIntervalSince1970 * 1e9)
                let deadline = max(lastChange, seen) + incompleteNanos
                if wallNow >= deadline {
                    look.expired.append((drop, files.map(\.0)))
                    return
                }
                look.held += 1
                let at = now + .nanoseconds(deadline - wallNow)
                look.nextDeadline = min(look.nextDeadline ?? at, at)
                notify(
                    drop, [.incomplete(files.map(\.0))],
                    deadline: WaitingNotice.Deadline(
                        until: Date(timeIntervalSince1970: Double(deadline) / 1e9), wait: config.watch.incompleteWait,
                        fromLastChange: true))
            }

            /// Looks at each name of a drop; returns whether it is ready (settled and complete).
            func isReady(_ drop: Drop) -> Bool {
                var settling: [RawName] = []
                var held: [(WaitingNotice.Incomplete, Int64)] = []
                for name in drop.names {
                    switch state(name) {
                    case .settling: settling.append(name)
                    case .held(let files): held += files
                    case .settled: break
                    }
                }
                if !settling.isEmpty {
                    // Still changing (a copy going on): told once it has gone on for a while, so that a clerk copying
                    // a large file over a slow share sees why nothing happens yet; a notice already there stays.
                    let notice = WaitingNotice.name(for: Self.mainName(of: drop))
                    let waited = clock.now().timeIntervalSince(since(notice))
                    if listing.notices.contains(notice) || waited >= Self.copyNoticeAfter(config.watch.settle) {
                        notify(drop, [.copying(settling.map { $0.string ?? $0.description })], deadline: nil)
                    }
                    return false
                }
                if !held.isEmpty {
                    hold(drop, held)
                    return false
                }
                return true
            }

            for var drop in listing.drops where isReady(drop) {
                for name in drop.names { drop.seen[name] = listing.entries[name] }
                let (priority, modified) = Self.priority(of: drop, outbox: outbox, entries: listing.entries)
                ready.append((drop, priority, modified))
            }
            // When each waiting entry is returned: `sidecarWait` after it was put in, and names that almost match
            // go back together, when the last of them is due, so that each reason names the others.
            var due: [RawName: Int64] = [:]
            var settled: [Stray] = []
            for stray in listing.waiting {
                // Only once it is settled and complete: a copy still going on is not yet waiting for anything else.
                guard isReady(Drop(agency: agency, shape: .single(stray.name))) else { continue }
                settled.append(stray)
                let path = Directory.join(outbox, stray.name)
                let changed =
                    Self.statusChange(path)
                    ?? listing.entries[stray.name]?.modified ?? wallNow
                // A daemon also counts from when it first saw the entry: a share's server whose clock is behind ours
                // must not have documents returned the moment they arrive.
                let notice = WaitingNotice.name(for: stray.name)
                let seen = remembers ? Int64(since(notice).timeIntervalSince1970 * 1e9) : 0
                due[stray.name] = max(changed, listing.entries[stray.name]?.modified ?? 0, seen) + waitNanos
            }
            for stray in settled {
                // A document without its sidecar (or the reverse) waits, with a notice saying for what; after
                // `sidecarWait` from when it was put into the outbox it is returned. The wait counts from the entry's
                // status change (set by the share's server when the copy was made), not its modification time, which
                // a copy keeps from the original: a document edited last week and copied in now still waits.
                let single = Drop(agency: agency, shape: .single(stray.name))
                let nearly = listing.nearly[stray.name] ?? []
                // A neighbour still settling counts as just put in: they go back together.
                let deadline = ([stray.name] + nearly).map { due[$0] ?? wallNow + waitNanos }.max() ?? wallNow
                if wallNow >= deadline {
                    look.strays.append(stray)
                    if !nearly.isEmpty { look.nearly[stray.name] = nearly }
                    continue
                }
                let at = now + .nanoseconds(deadline - wallNow)
                look.nextDeadline = min(look.nextDeadline ?? at, at)
                let shown = stray.name.string ?? stray.name.description
                let nearlyShown = nearly.map { $0.string ?? $0.description }
                let reason: WaitingNotice.Reason
                switch stray.problem {
                case .missingSidecar: reason = .sidecarMissing(document: shown, nearly: nearlyShown)
                case .missingDocument: reason = .documentMissing(sidecar: shown, nearly: nearlyShown)
                case .folderWithoutMetadata: reason = .folderWithoutMetadata(folder: shown)
                case .notRegularFile: continue
                }
                notify(
                    single, [reason],
                    deadline: WaitingNotice.Deadline(
                        until: Date(timeIntervalSince1970: Double(deadline) / 1e9), wait: config.watch.sidecarWait,
                        fromLastChange: false))
            }
            for name in listing.reasonCopies {
                if case .settled = state(name) { look.reasonCopies.append((agency, name)) }
            }
            // Notices of drops that were sent, returned, completed or removed go away.
            for name in listing.notices
            where !keep.contains(name) && name.string?.precomposedNFC != WaitingNotice.closedName {
                _ = Directory.join(outbox, name).withCString { unlink($0) }
            }
        }
        // Packet files placed into an inbox from outside: `*.tar` or `*.zip` at its top level, once settled.
        for agency in agencies {
            let inbox = inboxes[agency] ?? spool.inbox(agency)
            guard let entries = try? Directory.entries(inbox) else { continue }
            for entry in entries where entry.kind == .file && !entry.name.isHidden && Self.isPacketName(entry.name) {
                let key = SettleTracker.Key(agency: agency.rawValue + "#inbox", name: entry.name)
                seen.insert(key)
                let (isSettled, at) = tracker.observe(key, SettleTracker.signature(of: entry, at: ""), now: now)
                if isSettled {
                    look.arrivals.append(PlacedPacket(agency: agency, inbox: inbox, name: entry.name))
                } else {
                    look.settling += 1
                    look.nextDeadline = min(look.nextDeadline ?? at, at)
                }
            }
        }
        tracker.keep(only: seen)
        waitingSince = waitingSince.filter { waitingKeys.contains($0.key) }
        written = written.filter { notices.contains($0.key) }
        look.ready = ready.sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.2 < b.2 }.map(\.0)
        return look
    }

    /// When the entry at `path` last changed status (ns since 1970): set by the machine that wrote it, on every write
    /// and on a copy's closing `utime` — which a modification time copied from the original is not.
    static func statusChange(_ path: RawPath) -> Int64? {
        FileSystem.status(path).map { Int64($0.st_ctim.tv_sec) * 1_000_000_000 + Int64($0.st_ctim.tv_nsec) }
    }

    /// How long a copy goes on before its drop gets a notice: long enough that an ordinary copy, which settles within
    /// seconds, never has one flicker into the outbox.
    static func copyNoticeAfter(_ settle: Duration) -> TimeInterval {
        max(10, 5 * (Double(settle.components.seconds) + Double(settle.components.attoseconds) / 1e18))
    }

    private enum NameState {
        case settling
        /// Settled, but these files (with their last status change, ns since 1970) have no end yet.
        case held([(WaitingNotice.Incomplete, Int64)])
        case settled
    }

    /// The name a drop's notice is called after: its first document, its folder, or the entry itself.
    public static func mainName(of drop: Drop) -> RawName {
        switch drop.shape {
        case .pair(let sidecar, let documents): documents.first ?? sidecar
        case .folder(let name), .single(let name): name
        }
    }

    /// The files of a top-level entry (itself, or those inside a folder drop) whose end is missing, with their last
    /// status change (a write or a copy's closing `utime` both set it).
    public static func incompleteFiles(_ entry: DirectoryEntry, at path: RawPath) -> [(WaitingNotice.Incomplete, Int64)]
    {
        func check(_ name: RawName, _ path: RawPath, size: Int64, shown: String) -> (WaitingNotice.Incomplete, Int64)? {
            let (checked, pdf) = Completeness.checks(name)
            guard checked, !Completeness.looksComplete(path, size: size) else { return nil }
            let changed =
                Self.statusChange(path)
                ?? 0
            return (WaitingNotice.Incomplete(name: shown, size: size, pdf: pdf), changed)
        }
        switch entry.kind {
        case .file:
            return check(entry.name, path, size: entry.size, shown: entry.name.string ?? entry.name.description).map {
                [$0]
            } ?? []
        case .directory:
            guard let folder = path.string, let inside = try? Directory.entries(folder) else { return [] }
            let shownFolder = entry.name.string ?? entry.name.description
            return inside.filter { $0.kind == .file && !TemporaryNames.isTemporary($0.name) }.compactMap {
                check(
                    $0.name, path.appending($0.name), size: $0.size,
                    shown: shownFolder + "/" + ($0.name.string ?? $0.name.description))
            }
        default:
            return []
        }
    }

    /// Writes (or rewrites, when what it says changed) a drop's waiting notice; a failure is logged, never fatal.
    private func writeNotice(_ key: SettleTracker.Key, _ text: String, in outbox: String, exists: Bool) {
        let hash = text.hashValue
        if exists, written[key] == hash { return }
        guard let path = Directory.join(outbox, key.name).string else { return }
        do {
            try Durable.writeFile(at: path, bytes: Array(text.utf8), replace: true)
            written[key] = hash
        } catch {
            written[key] = nil
        }
    }

    /// Whether an inbox entry's name is a packet's: `*.tar` or `*.zip`, any case.
    public static func isPacketName(_ name: RawName) -> Bool {
        let lower = name.bytes.suffix(4).map { $0 | 0x20 }
        return lower.elementsEqual(".tar".utf8) || lower.elementsEqual(".zip".utf8)
    }

    /// The drop's priority from its sidecar (ordinary when it cannot be read: it will be rejected anyway), and
    /// the time it was dropped.
    private static func priority(of drop: Drop, outbox: String, entries: [RawName: DirectoryEntry]) -> (Priority, Int64)
    {
        let sidecar: RawPath
        switch drop.shape {
        case .pair(let name, _): sidecar = Directory.join(outbox, name)
        case .folder(let name): sidecar = Directory.join(outbox, name).appending(OutboxScanner.folderSidecar)
        case .single: return (.thuong, 0)
        }
        let modified = drop.names.compactMap { entries[$0]?.modified }.min() ?? 0
        guard let path = sidecar.string, let bytes = try? Durable.readSmallFile(path, limit: SidecarParser.maxBytes),
            let value = try? JSONParser().parse(bytes), let text = value["priority"]?.stringValue,
            let priority = Priority(clerkText: text)
        else { return (.thuong, modified) }
        return (priority, modified)
    }
}
