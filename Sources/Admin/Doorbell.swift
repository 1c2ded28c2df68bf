import DurableIO
import Spool

/// Wakes a running daemon after an admin action: a hidden file renamed into `agencies/`, a folder the daemon watches
/// (inotify); a polling daemon sees the change at its next look. The daemon reads the change itself from the spool
/// and the index: the bell carries nothing.
enum Doorbell {
    static let name = ".lienthong-admin"

    static func ring(_ spool: SpoolLayout) {
        try? Durable.writeFile(at: spool.agencies + "/" + name, bytes: [], mode: 0o600, replace: true)
    }
}
