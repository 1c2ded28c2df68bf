// Adding a record kind: one case, its fields in LedgerEvent+Coding, its apply in LedgerIndex, its test.

import Packets

/// What one journal record says happened: the only thing the journal writes (`Journal.append`) and the only thing
/// the index applies (`LedgerIndex.apply`). Each case is one record kind (`kind`, the line's `event`), with the
/// fields its line carries, in the order they are written (`LedgerEvent+Coding`). A field that is optional here is
/// one its writer leaves out at times, or one an older release did not write yet.
public enum LedgerEvent: Sendable, Equatable {
    /// `packed`: a packet made here from a clerk's drop was archived.
    case packed(LedgerPacket)
    /// `received`: a packet placed into `recipient`'s inbox from outside was archived.
    case received(LedgerPacket, recipient: AgencyCode)
    /// `delivered`: a packet landed in the recipient's inbox, at `path` (spool-relative).
    case delivered(packetId: PacketID, recipient: AgencyCode, path: String)
    /// `completed`: a packet's originals were filed under sent/, at `sent` (spool-relative).
    case completed(packetId: PacketID, sent: String)
    /// `registered`: a recipient gave a delivered packet its arrival number.
    case registered(LedgerRegistration)
    /// `status`: a status record (01 arrived, 02 refused, 03 accepted …) about a packet, from its recipient to its sender.
    /// `reason` is written for a refusal, `arrivalNumber` once the recipient registered it.
    case status(
        packetId: String, sender: AgencyCode, recipient: AgencyCode, code: String, late: Bool, reason: String?,
        arrivalNumber: Int64?)
    /// `refused`: the recipient's receiving check refused a packet (`reason` its code, `message` in English). `file`
    /// (spool-relative, in the recipient's rejected/) is written for a packet placed into an inbox from outside.
    /// `packetId` is what the packet claimed, empty when it named none.
    case refused(packetId: String, recipient: AgencyCode, reason: String, message: String, file: String?)
    /// `set-aside`: a valid packet placed into an inbox from outside was put in rejected/ at `file` without a refusal
    /// (a second copy, or not addressed to that agency).
    case setAside(packetId: String, recipient: AgencyCode, reason: String, message: String, file: String)
    /// `verified`: a fixity check of an archived packet (`result`: valid, invalid …), and by which way (`via`).
    case verified(packetId: String, result: String, detail: String, via: String)
    /// `rejected`: a clerk's drop was returned to `agency`'s rejected/ under `names`, with why.
    case rejected(packetId: PacketID, agency: AgencyCode, names: [String], reason: String, message: String)
    /// `started`: the office started (`mode`: once or daemon; `watch`: inotify or poll).
    case started(mode: String, watch: String)
    /// `stopped`: the office stopped.
    case stopped
    /// `accessed`: a secret document was viewed or downloaded (Decree 30/2020 App. VI). `via` (cli, web) was not written
    /// by releases before the archive review; `file` is written for a single file.
    case accessed(
        user: String, role: String, packetId: String, secrecy: String, action: String, via: String?, file: String?)
    /// `admin`: an admin changed the office (Decree 30/2020 App. VI IV.1; Decision 17/2019 Art 10.4, 12.1): who (the
    /// system user), what (`action`, e.g. `agency.merge`, on `target`), why (`reason`), and what exactly changed
    /// (`details`, an object as the command states it).
    case admin(action: String, by: String, reason: String, target: String?, details: JSONValue?)
    /// `redirected`: a packet addressed to `from`, which retired, goes to its successor `to` instead (Circular
    /// 06/2025/TT-BNV: the records of a merged or dissolved agency go to its successor).
    case redirected(packetId: PacketID, from: AgencyCode, to: AgencyCode)
    /// `undelivered`: the office gave up delivering a packet to `recipient` (`queue drop`, or a recipient that retired
    /// with no successor): it stays archived, the recipient is not delivered to, the sender's status says why.
    case undelivered(packetId: PacketID, recipient: AgencyCode, reason: String, by: String)
    /// `relocated`: `lienthong rotate` moved a handled entry of an agency's `folder` (`inbox`, `sent`, `status`,
    /// `rejected`), or of the office's `fallback` folder (no agency), from `from` to `to` (each relative to the spool
    /// when inside it, else absolute) — a delivered copy (`packetId`) is found at `to` from then on. Journaled before
    /// the move, which a later run finishes after a crash.
    case relocated(agency: AgencyCode?, folder: String, packetId: String?, from: String, to: String)

    /// The record kind, as the line's `event` says it (and the `kind` label of `lienthong_journal_records_total`).
    public var kind: String {
        switch self {
        case .packed: "packed"
        case .received: "received"
        case .delivered: "delivered"
        case .completed: "completed"
        case .registered: "registered"
        case .status: "status"
        case .refused: "refused"
        case .setAside: "set-aside"
        case .verified: "verified"
        case .rejected: "rejected"
        case .started: "started"
        case .stopped: "stopped"
        case .accessed: "accessed"
        case .admin: "admin"
        case .redirected: "redirected"
        case .undelivered: "undelivered"
        case .relocated: "relocated"
        }
    }
}

/// What a `packed` or `received` record says about an archived packet: enough to rebuild the index without opening
/// the archive.
public struct LedgerPacket: Sendable, Equatable {
    public var packetId: PacketID
    public var sender: AgencyCode
    public var codeNumber: String
    public var codeNotation: String
    /// The issue date as written (`YYYY-MM-DD`).
    public var issuedDate: String
    public var typeName: String
    public var subject: String
    /// The priority's raw value (`thuong`, `khan` …).
    public var priority: String
    /// The secrecy level's raw value; nil for an ordinary document.
    public var secrecy: String?
    public var to: [AgencyCode]
    /// The documents' names in the packet.
    public var files: [String]
    /// When the packet was made; nil only in records of the first release, which left it out when it had no metadata.
    public var packedAt: String?
    /// The packet file, spool-relative.
    public var archive: String
    public var sha256: String?
    public var size: Int64?

    public init(
        packetId: PacketID, sender: AgencyCode, codeNumber: String, codeNotation: String, issuedDate: String,
        typeName: String, subject: String, priority: String, secrecy: String?, to: [AgencyCode], files: [String],
        packedAt: String?, archive: String, sha256: String?, size: Int64?
    ) {
        self.packetId = packetId
        self.sender = sender
        self.codeNumber = codeNumber
        self.codeNotation = codeNotation
        self.issuedDate = issuedDate
        self.typeName = typeName
        self.subject = subject
        self.priority = priority
        self.secrecy = secrecy
        self.to = to
        self.files = files
        self.packedAt = packedAt
        self.archive = archive
        self.sha256 = sha256
        self.size = size
    }

    /// The record of a packet as its signed metadata describes it, archived at `archive` (spool-relative).
    public init(_ metadata: PacketMetadata, archive: String, sha256: String?, size: Int64?) {
        let document = metadata.document
        self.init(
            packetId: metadata.packetId, sender: metadata.from.organId, codeNumber: document.codeNumber,
            codeNotation: document.codeNotation, issuedDate: document.issuedDate.description,
            typeName: document.typeName,
            subject: document.subject, priority: document.priority.rawValue, secrecy: document.secrecy?.rawValue,
            to: document.to, files: metadata.files.map(\.name), packedAt: metadata.packedAt, archive: archive,
            sha256: sha256, size: size)
    }
}

/// What a `registered` record says: the arrival number (số đến) a recipient gave a packet, in its yearly series.
public struct LedgerRegistration: Sendable, Equatable {
    public var packetId: String
    public var recipient: AgencyCode
    public var year: Int64
    /// `thuong`, or `mat` for documents with a secrecy level.
    public var series: String
    public var number: Int64
    /// Registered after the end of the working day it arrived (Decree 30/2020 Art 21.2).
    public var late: Bool
    /// What the legal check found for each document, as written.
    public var documents: JSONValue
    /// `paper` when the paper copy was registered during an outage; nil for an electronic arrival.
    public var medium: String?
    /// When the paper copy came (with `medium`).
    public var receivedAt: String?
    /// Who took the paper copy, when known.
    public var receivedBy: String?

    public init(
        packetId: String, recipient: AgencyCode, year: Int64, series: String, number: Int64, late: Bool,
        documents: JSONValue, medium: String? = nil, receivedAt: String? = nil, receivedBy: String? = nil
    ) {
        self.packetId = packetId
        self.recipient = recipient
        self.year = year
        self.series = series
        self.number = number
        self.late = late
        self.documents = documents
        self.medium = medium
        self.receivedAt = receivedAt
        self.receivedBy = receivedBy
    }
}
