import CSystemd

/// Tells systemd how a `Type=notify` service is doing (sd_notify(3)): ready, stopping, and still alive
/// (the watchdog). Outside systemd, or under a unit that is not `Type=notify`, `$NOTIFY_SOCKET` is unset and
/// every call is a no-op.
public struct ServiceNotifier: Sendable {
    /// How often `watchdog()` should be called: a third of the unit's `WatchdogSec=`, well within the half that
    /// sd_watchdog_enabled(3) asks for, so a slow step does not miss a ping (sd_watchdog_enabled reads
    /// `$WATCHDOG_USEC`, and `$WATCHDOG_PID` when set, so a child that inherited them does not ping for its
    /// parent), or nil when no watchdog is asked for.
    public let watchdogInterval: Duration?

    /// Reads the environment once, at start-up.
    public init() {
        var microseconds: UInt64 = 0
        if sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 {
            watchdogInterval = .microseconds(Int64(clamping: microseconds / 3))
        } else {
            watchdogInterval = nil
        }
    }

    /// Start-up is complete: the service is ready (systemd starts what is ordered after it).
    public func ready(status: String? = nil) {
        send("READY=1" + (status.map { "\nSTATUS=" + $0 } ?? ""))
    }

    /// Graceful shutdown has begun.
    public func stopping() {
        send("STOPPING=1")
    }

    /// The service is alive: resets the unit's watchdog timer.
    public func watchdog() {
        guard watchdogInterval != nil else { return }
        send("WATCHDOG=1")
    }

    /// A free-form status line, shown by `systemctl status`.
    public func status(_ text: String) {
        send("STATUS=" + text)
    }

    private func send(_ state: String) {
        // Returns 0 when $NOTIFY_SOCKET is unset; a failure to notify must never stop the office.
        _ = sd_notify(0, state)
    }
}
