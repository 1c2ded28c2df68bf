import Dispatch
import Synchronization

/// How the daemon's loop is woken and stopped from other threads (a file-system event, a signal).
public final class LoopControl: Sendable {
    private let bell = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let rung = Atomic<Bool>(false)

    public init() {}

    /// Wakes the loop. Rings while it is busy are merged into one.
    public func ring() {
        if !rung.exchange(true, ordering: .sequentiallyConsistent) { bell.signal() }
    }

    /// Asks the loop to finish what it holds and stop.
    public func requestStop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        bell.signal()
    }

    public var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    /// Sleeps until rung, or for at most `duration`; true when it was rung (or asked to stop) rather than timed out.
    @discardableResult
    public func wait(_ duration: Duration) -> Bool {
        if rung.exchange(false, ordering: .sequentiallyConsistent) { return true }
        guard duration > .zero else { return false }
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        let woken =
            bell.wait(timeout: .now() + .nanoseconds(Int(min(nanoseconds, Int64(Int32.max) * 1000)))) == .success
        rung.store(false, ordering: .sequentiallyConsistent)
        return woken
    }
}
