import Foundation
import Ledger
import Packets
import Spool

/// What an admin command will do, worked out (and checked) before anything changes: the journal record it writes
/// and the changes, in order.
public struct AdminPlan: Sendable {
    /// The action's name in the journal (`agency.merge`, `cert.rotate` …).
    public let action: String
    /// What it acts on (an agency code, a packet id …).
    public let target: String?
    /// What exactly changes, as the journal keeps it.
    public let details: JSONValue
    /// The changes, in the order they are made.
    public let changes: [AdminChange]
    /// Lines that say what the action means (printed before the changes, and by `--dry-run`).
    public let summary: [String]
    /// Records journaled with the admin record, in the same batch (what the action does to deliveries).
    public let events: [LedgerEvent]

    public init(
        action: String, target: String?, details: JSONValue, changes: [AdminChange], summary: [String],
        events: [LedgerEvent] = []
    ) {
        self.action = action
        self.target = target
        self.details = details
        self.changes = changes
        self.summary = summary
        self.events = events
    }

    /// Makes the plan's changes, or with `--dry-run` only says what they would be. The admin record is journaled
    /// first, so an action is never made without its record; a change that fails stops there, and running the same
    /// command again finishes it (every change is idempotent or refused as already done).
    public func run(_ session: AdminSession) throws {
        for line in summary { session.say(line) }
        if session.dryRun {
            session.say("--dry-run: nothing changed. Would:")
            for change in changes { session.say("  " + change.description(in: session.spool)) }
            session.say("  append to the journal: admin \(action)\(target.map { " " + $0 } ?? "")")
            for event in events { session.say("  append to the journal: \(event.kind)") }
            return
        }
        let journal = try session.journal()
        try journal.append(
            [.admin(action: action, by: session.actor, reason: session.reason, target: target, details: details)]
                + events)
        for change in changes {
            session.say("  " + change.description(in: session.spool))
            try change.apply()
        }
        // The index learns of the record now (it is derived; the daemon would catch up anyway).
        if let index = try? LedgerIndex(path: session.spool.state + "/index.sqlite") {
            try? index.catchUp(with: journal)
        }
        Doorbell.ring(session.spool)
        session.say("Đã ghi vào nhật ký — journaled: admin \(action) by \(session.actor)")
    }
}
