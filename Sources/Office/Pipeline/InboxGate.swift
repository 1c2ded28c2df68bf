import DurableIO
import Foundation
import Packets
import Spool

/// Whether a batch may deliver into an agency's inbox: not while `inbox move` holds the inbox's lock, and not to the
/// place the batch's routes name once agency.yaml says another (a move switched it since the pass began). The shared
/// locks taken are held until the gate goes, after the batch: a move begun meanwhile waits for them.
struct InboxGate {
    let spool: SpoolLayout
    let routes: Routes
    private var locks: [AgencyCode: FileLock] = [:]
    private var closed: Set<AgencyCode> = []

    init(spool: SpoolLayout, routes: Routes) {
        self.spool = spool
        self.routes = routes
    }

    mutating func isOpen(_ recipient: AgencyCode) -> Bool {
        if locks[recipient] != nil { return true }
        if closed.contains(recipient) { return false }
        let path = spool.inboxLock(recipient)
        let folder = (path as NSString).deletingLastPathComponent
        if !FileSystem.exists(RawPath(folder)) { try? FileSystem.makeDirectory(RawPath(folder), mode: 0o700) }
        let lock: FileLock
        do {
            guard let taken = try FileLock.tryAcquire(path, shared: true) else {
                closed.insert(recipient)
                return false
            }
            lock = taken
        } catch {
            return true  // no lock can be taken here (state/ read-only): no move can be under way either
        }
        // Under the lock, the inbox agency.yaml names now must be the one this batch delivers to.
        let configured = (try? AgencyConfig.load(recipient, in: spool)).map { $0.inbox ?? spool.inbox(recipient) }
        if let configured, configured != (routes.inboxes[recipient] ?? spool.inbox(recipient)) {
            closed.insert(recipient)
            return false
        }
        locks[recipient] = lock
        return true
    }
}
