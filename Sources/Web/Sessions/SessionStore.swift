import Foundation

/// The server-side sessions, in memory (a restart signs everyone out). Idle sessions expire.
public actor SessionStore {
    private var sessions: [String: Session] = [:]
    private let idleTimeout: TimeInterval
    private let clock: @Sendable () -> Date
    /// Past this many sessions, expired ones are swept before a new one is made.
    private let sweepThreshold = 1_000

    /// A store whose sessions expire after `idleTimeout` seconds without a request.
    public init(idleTimeout: TimeInterval = 30 * 60, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.idleTimeout = idleTimeout
        self.clock = clock
    }

    /// A new session for `user` (nil: not signed in yet), with a fresh id and CSRF token.
    public func create(user: String?) -> Session {
        if sessions.count > sweepThreshold { sweep() }
        let now = clock()
        let session = Session(
            id: RandomToken.make(), csrfToken: RandomToken.make(), user: user, lastSeen: now, openedAt: now)
        sessions[session.id] = session
        return session
    }

    /// The live session `id`, its idle time restarted; nil when unknown or expired.
    public func find(_ id: String) -> Session? {
        guard var session = sessions[id] else { return nil }
        let now = clock()
        guard now.timeIntervalSince(session.lastSeen) <= idleTimeout else {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = now
        sessions[id] = session
        return session
    }

    /// Ends the session `id` (logout, or replaced at sign-in).
    public func remove(_ id: String) { sessions[id] = nil }

    /// Ends every session of `user` (account disabled).
    public func removeAll(user: String) { sessions = sessions.filter { $0.value.user != user } }

    private func sweep() {
        let now = clock()
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) <= idleTimeout }
    }
}
