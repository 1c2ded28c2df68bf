import Foundation
import Packets
import WorkingTime

/// `lienthong fallback status`: the incidents (open and closed), the routes failing now, and every document of the
/// paper log with its reconciliation state. Encoded as the `--json` answer; timestamps in the office's zone.
public struct FallbackStatus: Encodable, Sendable {
    public struct Incident: Encodable, Sendable {
        public let id: String
        /// `route` or `office`.
        public let cause: String
        public let open: Bool
        public let since: String
        public let openedAt: String
        public let end: String?
        public let closedAt: String?
        /// Working time from `since` to `end` (or to now while open).
        public let workingSeconds: Double
        public let workingHours: Double
        public let routes: [String]
        public let documents: Int
        public let waiting: Int
        public let delivered: Int
        public let handedOver: Int
        public let immediate: Int
        public let report: String
    }

    public struct Route: Encodable, Sendable {
        public let agency: String
        public let since: String
        public let error: String
        public let workingSeconds: Double
    }

    public struct Document: Encodable, Sendable {
        public let packetId: String
        public let sender: String
        public let recipient: String
        public let recipientName: String
        public let numberAndNotation: String
        public let issuedDate: String
        public let typeName: String
        public let subject: String
        public let priority: String
        public let secrecy: String?
        public let immediate: Bool
        public let reason: String
        public let incidents: [String]
        public let addedAt: String
        /// `waiting`, `handed-over`, `delivered`, `reconciled` or `refused`.
        public let state: String
        /// Still to be carried on paper (waiting and not delivered electronically).
        public let pendingOnPaper: Bool
        public let deliveredAt: String?
        public let refusedAt: String?
        public let handedOverAt: String?
        public let handedOverBy: String?
        public let arrivalNumber: Int64?
        /// `paper` (registered when the paper copy came) or `electronic` (it had arrived electronically first).
        public let registered: String?
    }

    public let fallbackDir: String
    public let generatedAt: String
    /// Whether an incident is open now.
    public let outage: Bool
    public let incidents: [Incident]
    public let failingRoutes: [Route]
    public let documents: [Document]
    /// How many documents are in each reconciliation state.
    public let counts: [String: Int]
    /// Documents still to carry on paper.
    public let pendingOnPaper: Int

    init(_ state: FallbackState, calendar: WorkingCalendar, now: Date, directory: String) {
        let zone = calendar.timeZone
        func stamp(_ date: Date) -> String { Timestamp.string(date, in: zone) }
        fallbackDir = directory
        generatedAt = stamp(now)
        outage = state.openIncident != nil
        incidents = state.incidents.map { incident in
            let entries = state.entries(of: incident.id)
            let seconds = incident.workingSeconds ?? calendar.workingTime(from: incident.since, to: now).seconds
            return Incident(
                id: incident.id, cause: incident.cause, open: incident.isOpen, since: stamp(incident.since),
                openedAt: stamp(incident.openedAt), end: incident.end.map(stamp),
                closedAt: incident.closedAt.map(stamp),
                workingSeconds: seconds, workingHours: (seconds / 36).rounded() / 100, routes: incident.routes,
                documents: entries.count, waiting: entries.filter { $0.state == "waiting" }.count,
                delivered: entries.filter { $0.deliveredAt != nil }.count,
                handedOver: entries.filter { $0.handover != nil }.count,
                immediate: entries.filter(\.document.immediate).count,
                report: FallbackOutputs.reportPath(incident, in: directory, timeZone: calendar.timeZone))
        }
        failingRoutes = state.failing.values.sorted { $0.since < $1.since }.map {
            Route(
                agency: $0.agency, since: stamp($0.since), error: $0.error,
                workingSeconds: calendar.workingTime(from: $0.since, to: now).seconds)
        }
        documents = state.entries.map { entry in
            let document = entry.document
            return Document(
                packetId: document.packetId, sender: document.sender, recipient: document.recipient,
                recipientName: document.recipientName, numberAndNotation: document.numberAndNotation,
                issuedDate: document.issuedDate, typeName: document.typeName, subject: document.subject,
                priority: document.priority, secrecy: document.secrecy, immediate: document.immediate,
                reason: document.reason, incidents: entry.incidents, addedAt: stamp(entry.addedAt), state: entry.state,
                pendingOnPaper: entry.state == "waiting", deliveredAt: entry.deliveredAt.map(stamp),
                refusedAt: entry.refusedAt.map(stamp),
                handedOverAt: entry.handover.map { stamp($0.at) }, handedOverBy: entry.handover?.by,
                arrivalNumber: entry.handover?.arrivalNumber, registered: entry.handover?.registered)
        }
        counts = Dictionary(grouping: state.entries, by: \.state).mapValues(\.count)
            .merging(["waiting": 0, "handed-over": 0, "delivered": 0, "reconciled": 0, "refused": 0]) { present, _ in
                present
            }
        pendingOnPaper = state.entries.filter { $0.state == "waiting" }.count
    }

    /// The answer as people read it (English, like the other commands' output).
    public var text: String {
        var lines: [String] = []
        if incidents.isEmpty && failingRoutes.isEmpty && documents.isEmpty {
            return
                "No outage recorded: electronic delivery has not been interrupted (paper fallback log: \(fallbackDir)).\n"
        }
        lines.append(
            outage
                ? "OUTAGE: electronic delivery is suspended; carry the waiting documents on paper."
                : "No incident open.")
        for route in failingRoutes {
            lines.append(
                "route \(route.agency) failing since \(route.since) (\(Self.hours(route.workingSeconds)) working): \(route.error)"
            )
        }
        for incident in incidents {
            let span =
                incident.open ? "since \(incident.since), open" : "\(incident.since) to \(incident.end ?? "?"), closed"
            lines.append(
                "incident \(incident.id) (\(incident.cause)): \(span), \(Self.hours(incident.workingSeconds)) working; "
                    + "routes \(incident.routes.isEmpty ? "-" : incident.routes.joined(separator: ", ")); "
                    + "\(incident.documents) document(s): \(incident.waiting) waiting, \(incident.delivered) delivered, \(incident.handedOver) handed over"
            )
        }
        if !documents.isEmpty {
            lines.append("documents (\(pendingOnPaper) to carry on paper):")
            for document in documents {
                var line =
                    "  \(document.state.padding(toLength: 11, withPad: " ", startingAt: 0)) \(document.packetId) → \(document.recipient)"
                    + "  \(document.numberAndNotation)  \(document.priority)"
                if document.immediate { line += "  REPORT AT ONCE" }
                if let number = document.arrivalNumber {
                    line += "  arrival no. \(number) (\(document.registered ?? ""))"
                }
                lines.append(line)
            }
        }
        lines.append("paper fallback log: \(fallbackDir)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func hours(_ seconds: Double) -> String {
        seconds < 3600 ? "\(Int(seconds.rounded()))s" : String(format: "%.2fh", seconds / 3600)
    }
}
