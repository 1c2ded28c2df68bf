import Foundation

/// What the checks compare against: the clock and the thresholds.
public struct DoctorSettings: Sendable {
    /// "Now" (injectable for tests: `lienthong doctor --now`).
    public var now: Date
    /// A certificate expiring within this time is a warning (30 days by default).
    public var expiryWarning: TimeInterval
    /// A file system with less than this fraction of its blocks free is a warning (10% by default).
    public var freeSpaceWarning: Double
    /// The file listing mount points (`/etc/fstab`), for the bare-mount-point heuristic of inboxes.
    public var fstab: String
    /// The current mounts (`/proc/self/mountinfo`).
    public var mountInfo: String

    public init(
        now: Date = Date(), expiryWarning: TimeInterval = 30 * 86_400, freeSpaceWarning: Double = 0.10,
        fstab: String = "/etc/fstab", mountInfo: String = "/proc/self/mountinfo"
    ) {
        self.now = now
        self.expiryWarning = expiryWarning
        self.freeSpaceWarning = freeSpaceWarning
        self.fstab = fstab
        self.mountInfo = mountInfo
    }
}
