import DurableIO
import Foundation

/// Decides when a dropped file or folder has stopped changing.
///
/// A name is settled once two looks at it, `settle` apart or more, saw the same size, modification time and
/// inode, and (under inotify) no writer has it open. A file copied in pieces keeps changing, so it is never
/// taken half-written as long as its writer pauses for less than `settle`; a PDF or an Office document that
/// does not end the way such files end gets more time still (see `Completeness`).
struct SettleTracker {
    struct Key: Hashable {
        let agency: String
        let name: RawName
    }

    /// What a look saw.
    struct Signature: Equatable {
        let size: Int64
        let modified: Int64
        let inode: UInt64
        /// For a folder: a digest of everything inside.
        let contents: Int
    }

    private struct Observation {
        var signature: Signature
        var since: ContinuousClock.Instant
    }

    private var observations: [Key: Observation] = [:]
    let settle: Duration

    init(settle: Duration) {
        self.settle = settle
    }

    /// Records a look; returns whether the name is settled, or when it will be at the earliest.
    mutating func observe(_ key: Key, _ signature: Signature, now: ContinuousClock.Instant) -> (
        settled: Bool, at: ContinuousClock.Instant
    ) {
        if let previous = observations[key], previous.signature == signature {
            let at = previous.since + settle
            return (now >= at, at)
        }
        observations[key] = Observation(signature: signature, since: now)
        return (false, now + settle)
    }

    /// Starts the wait again for `key` (a writer touched it).
    mutating func reset(_ key: Key) {
        observations[key] = nil
    }

    /// Forgets names that are gone.
    mutating func keep(only keys: Set<Key>) {
        observations = observations.filter { keys.contains($0.key) }
    }

    /// The signature of a top-level entry; a folder's includes every file inside it (to a bounded depth).
    static func signature(of entry: DirectoryEntry, at path: String) -> Signature {
        guard entry.kind == .directory else {
            return Signature(size: entry.size, modified: entry.modified, inode: entry.inode, contents: 0)
        }
        var hasher = Hasher()
        var count = 0
        func walk(_ directory: String, depth: Int) {
            guard depth < 8, let entries = try? Directory.entries(directory) else { return }
            for inner in entries {
                count += 1
                guard count < 10_000 else { return }
                hasher.combine(inner.name)
                hasher.combine(inner.size)
                hasher.combine(inner.modified)
                hasher.combine(inner.inode)
                if inner.kind == .directory, let name = inner.name.string {
                    walk(directory + "/" + name, depth: depth + 1)
                }
            }
        }
        walk(path, depth: 0)
        return Signature(size: entry.size, modified: entry.modified, inode: entry.inode, contents: hasher.finalize())
    }
}
