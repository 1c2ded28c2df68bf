import Foundation

/// The office's clock: wall time for records and deadlines that survive restarts, monotonic time for waits.
/// Tests inject their own.
public struct OfficeClock: Sendable {
    /// The current wall-clock time.
    public var now: @Sendable () -> Date
    /// The current monotonic instant.
    public var instant: @Sendable () -> ContinuousClock.Instant

    public init(
        now: @escaping @Sendable () -> Date = { Date() },
        instant: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.now = now
        self.instant = instant
    }

    /// The system's clocks.
    public static let system = OfficeClock()
}
