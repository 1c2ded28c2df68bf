import DurableIO
import Foundation
import Packets
import Spool

/// What one look at every outbox found.
struct OutboxLook {
    /// Settled drops, urgent first, then oldest first.
    var ready: [Drop] = []
    /// Entries to return at once (links, FIFOs, devices) or after waiting too long for their other half.
    var strays: [Stray] = []
    /// Packet files placed into inboxes from outside (another office, a USB stick), settled: (agency, inbox, name).
    var arrivals: [(AgencyCode, String, RawName)] = []
    /// Whether anything is still settling (`--once` waits for it).
    var settling = 0
    /// When the next entry settles, at the earliest.
    var nextDeadline: ContinuousClock.Instant?
}

/// Looks at every agency's outbox and decides what is ready: settled, not being written, complete-looking.
final class OutboxMonitor {
    private var tracker: SettleTracker
    private let spool: SpoolLayout
    private let config: OfficeConfig
    private let clock: OfficeClock

    init(spool: SpoolLayout, config: OfficeConfig, clock: OfficeClock) {
        self.spool = spool
        self.config = config
        self.clock = clock
        tracker = SettleTracker(settle: config.watch.settle)
    }

    func look(_ agencies: [AgencyCode], inboxes: [AgencyCode: String] = [:], watcher: InotifyWatcher?) -> OutboxLook {
        var look = OutboxLook()
        var seen: Set<SettleTracker.Key> = []
        var ready: [(Drop, Priority, Int64)] = []
        let now = clock.instant()
        let wallNow = Int64(clock.now().timeIntervalSince1970 * 1e9)
        let waitNanos = Int64(config.watch.sidecarWait.seconds * 1e9)
        for agency in agencies {
            let outbox = spool.outbox(agency)
            guard let listing = try? OutboxScanner.scan(outbox, agency: agency) else { continue }
            look.strays += listing.unsafe

            /// Settled when every look for `settle` (longer for a file that does not look finished) saw it unchanged.
            func settled(_ name: RawName) -> Bool {
                guard let entry = listing.entries[name] else { return false }
                let key = SettleTracker.Key(agency: agency.rawValue, name: name)
                seen.insert(key)
                let path = Directory.join(outbox, name)
                if let watcher, watcher.isBeingWritten(agency: agency.rawValue, name: name.description) {
                    tracker.reset(key)
                    look.settling += 1
                    return false
                }
                let signature = SettleTracker.signature(of: entry, at: path.string ?? "")
                var (isSettled, at) = tracker.observe(key, signature, now: now)
                if isSettled, entry.kind == .file, !Completeness.looksComplete(path, size: entry.size) {
                    // Probably still being copied: give it ten times longer before taking it anyway.
                    let extended = at + config.watch.settle * 9 + .seconds(1)
                    isSettled = now >= extended
                    at = extended
                }
                if !isSettled {
                    look.settling += 1
                    look.nextDeadline = min(look.nextDeadline ?? at, at)
                }
                return isSettled
            }

            for drop in listing.drops {
                var allSettled = true
                for name in drop.names where !settled(name) { allSettled = false }
                guard allSettled else { continue }
                let (priority, modified) = Self.priority(of: drop, outbox: outbox, entries: listing.entries)
                ready.append((drop, priority, modified))
            }
            for stray in listing.waiting {
                // A document without its sidecar (or the reverse) waits; after `sidecarWait` unchanged it is returned.
                guard settled(stray.name), let entry = listing.entries[stray.name] else { continue }
                if wallNow - entry.modified >= waitNanos {
                    look.strays.append(stray)
                }
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
                    look.arrivals.append((agency, inbox, entry.name))
                } else {
                    look.settling += 1
                    look.nextDeadline = min(look.nextDeadline ?? at, at)
                }
            }
        }
        tracker.keep(only: seen)
        look.ready = ready.sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.2 < b.2 }.map(\.0)
        return look
    }

    /// Whether an inbox entry's name is a packet's: `*.tar` or `*.zip`, any case.
    static func isPacketName(_ name: RawName) -> Bool {
        let lower = name.bytes.suffix(4).map { $0 | 0x20 }
        return lower.elementsEqual(".tar".utf8) || lower.elementsEqual(".zip".utf8)
    }

    /// The drop's priority from its sidecar (ordinary when it cannot be read: it will be rejected anyway), and
    /// the time it was dropped.
    private static func priority(of drop: Drop, outbox: String, entries: [RawName: DirectoryEntry]) -> (Priority, Int64) {
        let sidecar: RawPath
        switch drop.shape {
        case .pair(let name, _): sidecar = Directory.join(outbox, name)
        case .folder(let name): sidecar = Directory.join(outbox, name).appending(OutboxScanner.folderSidecar)
        case .single: return (.thuong, 0)
        }
        let modified = drop.names.compactMap { entries[$0]?.modified }.min() ?? 0
        guard let path = sidecar.string, let bytes = try? Durable.readSmallFile(path, limit: SidecarParser.maxBytes),
              let value = try? JSONParser().parse(bytes), let text = value["priority"]?.stringValue,
              let priority = Priority(clerkText: text) else { return (.thuong, modified) }
        return (priority, modified)
    }
}
