import Foundation
import Packets

/// One line of the paper fallback log (`<fallbackDir>/fallback-log.jsonl`): append-only, fsync'd, written with
/// nothing but the fallback folder, so it can be kept while the index, the archive disk or a share is failing.
public struct FallbackRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Deliveries to `agency` started failing at `since` (`error` says how).
        case routeFailing = "route-failing"
        /// A delivery to `agency` succeeded again.
        case routeRestored = "route-restored"
        /// An incident began at `since` (`cause`: `route` or `office`), with `routes` affected.
        case incidentOpened = "incident-opened"
        /// Another route joined the open incident.
        case incidentRoute = "incident-route"
        /// A document (to one recipient) must be carried on paper.
        case document
        /// The document reached the recipient electronically after all.
        case delivered
        /// The recipient's side was reached but refused the packet (02): it will not come electronically.
        case refused
        /// A clerk recorded the paper copy's hand-over to the recipient.
        case handedOver = "handed-over"
        /// The incident ended (`end`), with its working time.
        case incidentClosed = "incident-closed"
    }

    public var kind: Kind
    /// When the record was written.
    public var at: String
    /// The route (a recipient agency) the record is about.
    public var agency: String?
    public var since: String?
    public var error: String?
    public var incident: String?
    public var cause: String?
    public var routes: [String]?
    public var document: FallbackDocument?
    public var packetId: String?
    /// Who received the paper copy.
    public var by: String?
    /// The arrival number the recipient gave the document (on paper or electronically).
    public var arrivalNumber: Int64?
    /// How the document was registered at the recipient: `paper` (when handed over) or `electronic`.
    public var registered: String?
    public var end: String?
    public var workingSeconds: Double?

    public init(
        _ kind: Kind, at: Date, agency: String? = nil, since: Date? = nil, error: String? = nil,
        incident: String? = nil,
        cause: String? = nil, routes: [String]? = nil, document: FallbackDocument? = nil, packetId: String? = nil,
        by: String? = nil, arrivalNumber: Int64? = nil, registered: String? = nil, end: Date? = nil,
        workingSeconds: Double? = nil
    ) {
        self.kind = kind
        self.at = Timestamp.string(at)
        self.agency = agency
        self.since = since.map { Timestamp.string($0) }
        self.error = error
        self.incident = incident
        self.cause = cause
        self.routes = routes
        self.document = document
        self.packetId = packetId
        self.by = by
        self.arrivalNumber = arrivalNumber
        self.registered = registered
        self.end = end.map { Timestamp.string($0) }
        self.workingSeconds = workingSeconds
    }
}

/// What the paper log says about a document sent to one recipient: enough to carry it on paper and to find it again.
public struct FallbackDocument: Codable, Sendable, Equatable {
    public var packetId: String
    public var sender: String
    public var senderName: String
    public var recipient: String
    public var recipientName: String
    public var numberAndNotation: String
    public var issuedDate: String
    public var typeName: String
    public var subject: String
    public var signer: String
    public var priority: String
    public var secrecy: String?
    /// Hỏa tốc or hỏa tốc hẹn giờ: to be reported to a competent person at once (Decision 17/2019 Art 8.1).
    public var immediate: Bool
    /// Why it is in the log: `urgent` (at its first failed delivery), `threshold` (the route's outage passed the
    /// threshold) or `office` (it waited while the office itself was down).
    public var reason: String

    public init(
        packetId: String, sender: String, senderName: String, recipient: String, recipientName: String,
        numberAndNotation: String, issuedDate: String, typeName: String, subject: String, signer: String,
        priority: String, secrecy: String?, immediate: Bool, reason: String
    ) {
        self.packetId = packetId
        self.sender = sender
        self.senderName = senderName
        self.recipient = recipient
        self.recipientName = recipientName
        self.numberAndNotation = numberAndNotation
        self.issuedDate = issuedDate
        self.typeName = typeName
        self.subject = subject
        self.signer = signer
        self.priority = priority
        self.secrecy = secrecy
        self.immediate = immediate
        self.reason = reason
    }

    /// The key of a log entry: one document to one recipient.
    public var key: String { "\(packetId) \(recipient)" }

    /// The urgency in Vietnamese.
    public var priorityLabel: String { Priority(rawValue: priority)?.label ?? priority }
    /// The secrecy level in Vietnamese ("" when none).
    public var secrecyLabel: String { secrecy.flatMap { Secrecy(rawValue: $0)?.label } ?? "" }
}
