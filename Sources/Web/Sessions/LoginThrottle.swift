import Foundation

/// Slows down password guessing: after `freeAttempts` failures for one login name, that name waits before it may
/// try again, twice as long after each further failure (up to `maximumDelay`). A success clears the count.
public actor LoginThrottle {
    private struct Failures {
        var count = 0
        var lockedUntil: Date = .distantPast
    }

    private var failures: [String: Failures] = [:]
    private let freeAttempts: Int
    private let baseDelay: TimeInterval
    private let maximumDelay: TimeInterval
    private let clock: @Sendable () -> Date

    public init(freeAttempts: Int = 5, baseDelay: TimeInterval = 30, maximumDelay: TimeInterval = 15 * 60,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.freeAttempts = freeAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.clock = clock
    }

    /// Seconds `name` must still wait before trying, or nil when it may try now.
    public func wait(for name: String) -> Int? {
        guard let entry = failures[Self.key(name)] else { return nil }
        let remaining = entry.lockedUntil.timeIntervalSince(clock())
        return remaining > 0 ? Int(remaining.rounded(.up)) : nil
    }

    /// Records a failed attempt for `name`.
    public func failed(_ name: String) {
        var entry = failures[Self.key(name)] ?? Failures()
        entry.count += 1
        if entry.count >= freeAttempts {
            let delay = min(maximumDelay, baseDelay * pow(2, Double(entry.count - freeAttempts)))
            entry.lockedUntil = clock().addingTimeInterval(delay)
        }
        failures[Self.key(name)] = entry
    }

    /// Clears the failures of `name` after a successful sign-in.
    public func succeeded(_ name: String) { failures[Self.key(name)] = nil }

    private static func key(_ name: String) -> String { name.lowercased() }
}
