import Foundation
import Packets

/// What the paper fallback log says now: the routes failing, the incidents, and every document carried (or to be
/// carried) on paper with its reconciliation. Built by replaying the log's records in order.
public struct FallbackState: Sendable {
    /// A route (a recipient's inbox) whose deliveries are failing.
    public struct FailingRoute: Sendable, Equatable {
        public let agency: String
        public let since: Date
        public let error: String
    }

    /// A period during which electronic delivery was down long enough for paper (or the office itself was down).
    public struct Incident: Sendable, Equatable {
        public let id: String
        /// `route` (deliveries to some inboxes failed) or `office` (the office itself was not running).
        public let cause: String
        public let since: Date
        public let openedAt: Date
        public var routes: [String]
        public var closedAt: Date?
        public var end: Date?
        public var workingSeconds: Double?
        public var isOpen: Bool { closedAt == nil }
    }

    /// A paper hand-over recorded by a clerk.
    public struct Handover: Sendable, Equatable {
        public let at: Date
        public let by: String?
        public let recordedAt: Date
        public let arrivalNumber: Int64?
        /// `paper`: the recipient registered it when the paper copy came; `electronic`: it had arrived already.
        public let registered: String?
    }

    /// One document to one recipient in the paper log.
    public struct Entry: Sendable, Equatable {
        public let document: FallbackDocument
        public let addedAt: Date
        public var incidents: [String]
        public var deliveredAt: Date?
        /// When the recipient's side refused the packet (02), if it did.
        public var refusedAt: Date?
        public var handover: Handover?

        /// `waiting` (to carry on paper), `handed-over` (on paper, not yet electronically), `delivered`
        /// (electronically, no paper hand-over recorded), `reconciled` (both, registered once) or `refused` (the
        /// recipient refused the packet when the route came back, and no paper copy was recorded).
        public var state: String {
            switch (deliveredAt != nil, handover != nil) {
            case (false, false): refusedAt == nil ? "waiting" : "refused"
            case (false, true): "handed-over"
            case (true, false): "delivered"
            case (true, true): "reconciled"
            }
        }

        /// Whether electronic delivery of it is over (delivered or refused).
        public var settled: Bool { deliveredAt != nil || refusedAt != nil }
    }

    public private(set) var failing: [String: FailingRoute] = [:]
    /// When each route last came back.
    public private(set) var restoredAt: [String: Date] = [:]
    public private(set) var incidents: [Incident] = []
    public private(set) var entries: [Entry] = []
    private var entryIndex: [String: Int] = [:]

    public init() {}

    public init(_ records: [FallbackRecord]) {
        for record in records { apply(record) }
    }

    /// The incident still open, if any (there is at most one).
    public var openIncident: Incident? { incidents.last { $0.isOpen } }

    public func entry(_ key: String) -> Entry? { entryIndex[key].map { entries[$0] } }

    /// The entries of an incident.
    public func entries(of incident: String) -> [Entry] { entries.filter { $0.incidents.contains(incident) } }

    /// Applies one record (records about unknown entries or incidents are ignored).
    public mutating func apply(_ record: FallbackRecord) {
        let at = Timestamp.parse(record.at) ?? Date(timeIntervalSince1970: 0)
        switch record.kind {
        case .routeFailing:
            guard let agency = record.agency, failing[agency] == nil else { return }
            failing[agency] = FailingRoute(
                agency: agency, since: record.since.flatMap(Timestamp.parse) ?? at, error: record.error ?? "")
        case .routeRestored:
            guard let agency = record.agency else { return }
            failing[agency] = nil
            restoredAt[agency] = at
        case .incidentOpened:
            guard let id = record.incident, !incidents.contains(where: { $0.id == id }) else { return }
            incidents.append(
                Incident(
                    id: id, cause: record.cause ?? "route", since: record.since.flatMap(Timestamp.parse) ?? at,
                    openedAt: at, routes: record.routes ?? []))
        case .incidentRoute:
            guard let id = record.incident, let agency = record.agency,
                let index = incidents.firstIndex(where: { $0.id == id }), !incidents[index].routes.contains(agency)
            else { return }
            incidents[index].routes.append(agency)
        case .incidentClosed:
            guard let id = record.incident, let index = incidents.firstIndex(where: { $0.id == id }) else { return }
            incidents[index].closedAt = at
            incidents[index].end = record.end.flatMap(Timestamp.parse) ?? at
            incidents[index].workingSeconds = record.workingSeconds
        case .document:
            guard let document = record.document else { return }
            if let index = entryIndex[document.key] {
                if let incident = record.incident, !entries[index].incidents.contains(incident) {
                    entries[index].incidents.append(incident)
                }
            } else {
                entryIndex[document.key] = entries.count
                entries.append(Entry(document: document, addedAt: at, incidents: record.incident.map { [$0] } ?? []))
            }
        case .delivered:
            guard let packet = record.packetId, let agency = record.agency,
                let index = entryIndex["\(packet) \(agency)"],
                entries[index].deliveredAt == nil
            else { return }
            entries[index].deliveredAt = record.since.flatMap(Timestamp.parse) ?? at
        case .refused:
            guard let packet = record.packetId, let agency = record.agency,
                let index = entryIndex["\(packet) \(agency)"],
                entries[index].refusedAt == nil, entries[index].deliveredAt == nil
            else { return }
            entries[index].refusedAt = record.since.flatMap(Timestamp.parse) ?? at
        case .handedOver:
            guard let packet = record.packetId, let agency = record.agency,
                let index = entryIndex["\(packet) \(agency)"],
                entries[index].handover == nil
            else { return }
            entries[index].handover = Handover(
                at: record.since.flatMap(Timestamp.parse) ?? at, by: record.by, recordedAt: at,
                arrivalNumber: record.arrivalNumber, registered: record.registered)
        }
    }
}
