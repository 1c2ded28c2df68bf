import Foundation

/// Slows down password guessing. Each attempt for a login name counts as a failure from the moment it starts (so
/// attempts sent in parallel cannot slip past the limit while their hashes are computed) and is forgiven when it
/// succeeds. After `freeAttempts` failures the name waits before it may try again, twice as long after each further
/// failure (up to `maximumDelay`). Independently, at most `concurrentChecks` password checks run at once: bcrypt is
/// meant to be slow, and a flood of logins must not take the server's cores from people already signed in.
public actor LoginThrottle {
    private struct Failures {
        var count = 0
        var lockedUntil: Date = .distantPast
        var last: Date = .distantPast
    }

    /// Why an attempt may not go ahead.
    public enum Refusal: Sendable, Equatable {
        /// The name must wait this many seconds.
        case wait(Int)
        /// Too many password checks are running; try again in a moment.
        case busy
    }

    private var failures: [String: Failures] = [:]
    private var running = 0
    private let freeAttempts: Int
    private let baseDelay: TimeInterval
    private let maximumDelay: TimeInterval
    private let concurrentChecks: Int
    private let clock: @Sendable () -> Date
    /// Past this many names remembered, those quiet for longer than `maximumDelay` are forgotten.
    private let sweepThreshold = 10_000

    public init(
        freeAttempts: Int = 5, baseDelay: TimeInterval = 30, maximumDelay: TimeInterval = 15 * 60,
        concurrentChecks: Int = 4,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.freeAttempts = freeAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.concurrentChecks = concurrentChecks
        self.clock = clock
    }

    /// Starts an attempt for `name`: nil when it may go ahead (call `finished` after), else why not.
    public func begin(_ name: String) -> Refusal? {
        let key = Self.key(name)
        let now = clock()
        var entry = failures[key] ?? Failures()
        let remaining = entry.lockedUntil.timeIntervalSince(now)
        if remaining > 0 { return .wait(Int(remaining.rounded(.up))) }
        guard running < concurrentChecks else { return .busy }
        running += 1
        if failures.count > sweepThreshold { sweep(now) }
        entry.count += 1
        entry.last = now
        if entry.count >= freeAttempts {
            entry.lockedUntil = now.addingTimeInterval(
                min(maximumDelay, baseDelay * pow(2, Double(entry.count - freeAttempts))))
        }
        failures[key] = entry
        return nil
    }

    /// Ends an attempt begun with `begin`; a success clears the name's failures.
    public func finished(_ name: String, succeeded: Bool) {
        running = max(0, running - 1)
        if succeeded { failures[Self.key(name)] = nil }
    }

    private func sweep(_ now: Date) {
        failures = failures.filter {
            now.timeIntervalSince($0.value.last) <= maximumDelay || $0.value.lockedUntil > now
        }
    }

    private static func key(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }
}
