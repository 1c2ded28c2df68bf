import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The office's own disk (state/, archive/, staging, the journal) refusing writes: no space, over quota, read-only,
/// I/O errors. That is the office's problem, not the clerks': the drops it touched stay claimed, the admin is told
/// once (an error naming the disk, and `lienthong_spool_disk_full` at 1), and the claims are tried again with a
/// backoff (`outage.retry.initial` doubling, at most the rescan interval) until a try succeeds.
final class StorageAlarm {
    enum State: Equatable {
        /// Nothing failed.
        case fine
        /// Still failing: try the claims again after this long.
        case failing(Duration)
        /// Failed before, and a try of the claims has now succeeded.
        case recovered
    }

    private let root: String
    private let logger: Logger
    private let initial: Duration
    private let cap: Duration
    private var delay: Duration?

    init(root: String, initial: Duration, cap: Duration, logger: Logger) {
        self.root = root
        self.logger = logger
        self.initial = max(initial, .milliseconds(100))
        self.cap = max(cap, self.initial)
        OfficeMetrics.spoolDiskFull(false)
    }

    /// After a pass: `failure` is the first storage failure it met, `retried` whether it tried the claims again.
    func update(_ failure: (error: String, path: String)?, retried: Bool) -> State {
        if let failure {
            if let delay {
                self.delay = min(delay * 2, cap)
            } else {
                delay = initial
                OfficeMetrics.spoolDiskFull(true)
                logger.error(
                    "the office's own disk cannot be written (full, read-only or failing): drops wait, claimed, and are not returned to the clerks; they are taken through once there is room",
                    metadata: [
                        "disk": "\(Self.describe(failure.path, root: root))", "path": "\(failure.path)",
                        "error": "\(failure.error)",
                    ])
            }
            logger.debug(
                "office storage still failing", metadata: ["retry in": "\(delay!)", "error": "\(failure.error)"])
            return .failing(delay!)
        }
        guard let delay else { return .fine }
        guard retried else { return .failing(delay) }
        self.delay = nil
        OfficeMetrics.spoolDiskFull(false)
        logger.notice(
            "the office's own disk can be written again: the drops that waited are taken through",
            metadata: ["disk": "\(Self.describe(root, root: root))"])
        return .recovered
    }

    /// The file system holding `path` (or its nearest existing folder): its mount point and free space.
    static func describe(_ path: String, root: String) -> String {
        var folder = path
        var info = statvfs()
        while statvfs(folder, &info) != 0 {
            let parent = (folder as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != folder else { return path }
            folder = parent
        }
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        let total = UInt64(info.f_blocks) * UInt64(info.f_frsize)
        return "\(mountPoint(of: folder) ?? folder): \(free / 1024) KiB free of \(total / 1024) KiB"
    }

    /// The mount point under which `path` lies, from /proc/self/mounts (the longest that is a prefix).
    private static func mountPoint(of path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        let absolute = (path as NSString).standardizingPath
        var best: String?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 1 else { continue }
            let point = String(fields[1]).replacingOccurrences(of: "\\040", with: " ")
            let inside = point == "/" || absolute == point || absolute.hasPrefix(point + "/")
            if inside, point.count > (best?.count ?? -1) { best = point }
        }
        return best
    }
}
