import DurableIO
import Foundation
import Packets

/// Where the office keeps work in progress. Every such folder lies on the same file system as the folder its
/// work ends up in, so that the last step is always one atomic rename; and every one is hidden (a dot-folder)
/// from the clerks who browse the outboxes and inboxes.
public struct WorkPaths: Sendable {
    public let spool: SpoolLayout

    public init(spool: SpoolLayout) {
        self.spool = spool
    }

    /// `<outbox>/.lienthong/claimed`: drops this office has taken but not finished.
    public func claims(_ agency: AgencyCode) -> String { spool.outbox(agency) + "/.lienthong/claimed" }

    public func claim(_ agency: AgencyCode, _ id: PacketID) -> String { claims(agency) + "/" + id.rawValue }

    /// The lock whoever works on a claim holds (two daemons may share a spool).
    public func claimLock(_ agency: AgencyCode, _ id: PacketID) -> String { claim(agency, id) + ".lock" }

    /// `state/staging`: packets being written before they are renamed into the archive.
    public var archiveStaging: String { spool.state + "/staging" }

    /// `<inbox>/.lienthong/staging`: deliveries being assembled before they are renamed into the inbox.
    public func deliveryStaging(inbox: String) -> String { inbox + "/.lienthong/staging" }

    /// `<inbox>/.lienthong/arriving`: packet files placed into an inbox from outside, taken for checking.
    public func arrivals(inbox: String) -> String { inbox + "/.lienthong/arriving" }

    /// `archive/YYYY/MM/<id>.<ext>`, the month taken from the packet id (UTC), so the path follows from the id alone.
    public func archiveFile(_ id: PacketID, format: String) -> String {
        archiveMonth(id) + "/" + id.rawValue + "." + format
    }

    /// `archive/YYYY/MM`; for a packet dated in a year closed for the whole office (`lienthong year close`: its
    /// manifest is in `years/YYYY/`), `archive/<the next open year>/01`: nothing is added to a closed year.
    public func archiveMonth(_ id: PacketID) -> String {
        let raw = id.rawValue
        guard var year = Int(raw.prefix(4)), isClosed(year) else {
            return spool.archive + "/" + raw.prefix(4) + "/" + raw.dropFirst(4).prefix(2)
        }
        repeat { year += 1 } while isClosed(year)
        return spool.archive + "/" + String(format: "%04d", year) + "/01"
    }

    /// Whether `year` is closed for the whole office: its year manifest is in place.
    public func isClosed(_ year: Int) -> Bool {
        FileSystem.exists(RawPath(spool.path("years/" + String(format: "%04d", year) + "/manifest.json")))
    }

    /// `path` relative to the spool when it lies inside it (journal records stay valid if the spool moves).
    public func spoolRelative(_ path: String) -> String {
        path.hasPrefix(spool.root + "/") ? String(path.dropFirst(spool.root.count + 1)) : path
    }

    /// `agencies/<code>/sent`: what the agency sent, and the status of each delivery.
    public func sent(_ agency: AgencyCode) -> String { spool.agency(agency) + "/sent" }
}
