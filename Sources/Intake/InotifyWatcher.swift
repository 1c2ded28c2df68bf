import DurableIO
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Watches outboxes with inotify: new entries (close-write, moved-to, create), new agencies and new subfolders,
/// and which files a writer has open (modified, not yet closed). Events only wake the loop and hint: the loop's
/// own scan of the folders decides. On queue overflow every hint is dropped and a full rescan is asked for.
public final class InotifyWatcher: Sendable {
    private struct Watched: Sendable {
        let agency: String?
        /// Path of the watched folder relative to the agency's outbox ("" for the outbox itself).
        let relative: String
        let path: String
    }

    private struct State: Sendable {
        var watches: [Int32: Watched] = [:]
        var paths: Set<String> = []
        /// "agency/relative/name" of files written to and not yet closed, with when they were last written.
        var writing: [String: ContinuousClock.Instant] = [:]
        var overflowed = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    private let control: LoopControl
    private let logger: Logger
    private let running = Atomic<Bool>(true)

    public static let fileEvents = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_ATTRIB)

    public init(control: LoopControl, logger: Logger) throws {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw FileError("inotify_init1", path: "-") }
        self.control = control
        self.logger = logger
    }

    /// Starts the reading thread.
    public func start() {
        let thread = Thread { [self] in readLoop() }
        thread.name = "lienthong-inotify"
        thread.start()
    }

    /// Stops the reading thread (within half a second) and closes the descriptor.
    public func stop() {
        running.store(false, ordering: .sequentiallyConsistent)
    }

    /// Watches `path` (idempotent); `agency` nil for the folder that holds the agencies.
    public func watch(_ path: String, agency: String?, relative: String, mask: UInt32) {
        let known = state.withLock { $0.paths.contains(path) }
        guard !known else { return }
        let wd = inotify_add_watch(descriptor, path, mask | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW))
        guard wd >= 0 else { return }  // gone already, or not a folder: the next scan sees it
        state.withLock {
            $0.watches[wd] = Watched(agency: agency, relative: relative, path: path)
            $0.paths.insert(path)
        }
    }

    /// A file written to and then left alone this long counts as finished even without a close event (a writer
    /// that died, an event lost): the hint must never keep a document from being sent.
    public static let writingExpiry: Duration = .seconds(60)

    /// Whether a writer has `name` (a top-level outbox entry, or anything inside it) open.
    public func isBeingWritten(agency: String, name: String) -> Bool {
        let key = agency + "/" + name
        let now = ContinuousClock.now
        return state.withLock { state in
            state.writing.contains { entry in
                (entry.key == key || entry.key.hasPrefix(key + "/")) && now - entry.value < Self.writingExpiry
            }
        }
    }

    /// Whether the kernel dropped events since the last call (the caller then rescans everything).
    public func takeOverflow() -> Bool {
        state.withLock { state in
            defer { state.overflowed = false }
            return state.overflowed
        }
    }

    private func readLoop() {
        defer { close(descriptor) }
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while running.load(ordering: .sequentiallyConsistent) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 500)
            guard ready > 0 else { continue }
            let count = read(descriptor, buffer, size)
            guard count > 0 else { continue }
            var offset = 0
            var wake = false
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameLength = Int(event.len)
                var name = ""
                if nameLength > 0 {
                    let start = buffer.advanced(by: offset + MemoryLayout<inotify_event>.size).assumingMemoryBound(
                        to: UInt8.self)
                    name = String(
                        decoding: UnsafeBufferPointer(start: start, count: nameLength).prefix { $0 != 0 }, as: UTF8.self
                    )
                }
                wake = handle(event, name: name) || wake
                offset += MemoryLayout<inotify_event>.size + nameLength
            }
            if wake { control.ring() }
        }
    }

    /// Updates the hints for one event; returns whether the loop should look now.
    private func handle(_ event: inotify_event, name: String) -> Bool {
        let mask = event.mask
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            logger.warning("inotify queue overflow: rescanning every outbox")
            state.withLock {
                $0.writing.removeAll()
                $0.overflowed = true
            }
            return true
        }
        return state.withLock { state in
            guard let watched = state.watches[event.wd] else { return false }
            if mask & UInt32(IN_IGNORED) != 0 {
                state.watches[event.wd] = nil
                state.paths.remove(watched.path)
                return true
            }
            guard let agency = watched.agency else { return true }  // the agencies folder or an agency folder changed
            let key = agency + "/" + (watched.relative.isEmpty ? name : watched.relative + "/" + name)
            if mask & UInt32(IN_MODIFY) != 0 {
                state.writing[key] = ContinuousClock.now
                return false
            }
            if mask & UInt32(IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM) != 0 { state.writing[key] = nil }
            return true
        }
    }
}
