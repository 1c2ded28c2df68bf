import DurableIO
import Foundation
import Ledger
import Packets
import Spool
import WorkingTime

/// Builds the registers of Decree 30/2020 App. IV from the index and the archive's sidecars.
public struct RegisterBuilder: Sendable {
    public let spool: SpoolLayout
    public let index: LedgerIndex
    public let calendar: WorkingCalendar
    /// Agency names by code.
    public let names: [AgencyCode: String]

    public init(spool: SpoolLayout, index: LedgerIndex, calendar: WorkingCalendar, names: [AgencyCode: String]) {
        self.spool = spool
        self.index = index
        self.calendar = calendar
        self.names = names
    }

    /// The outgoing register of `agency` for documents dated in `year`, in the order they were sent: the ordinary
    /// register, or with `secret` the separate register of documents with a secrecy level (Decree 30/2020 App. IV).
    public func outgoing(agency: AgencyCode, year: Int, secret: Bool = false) throws -> [OutgoingRow] {
        let packets = try index.outgoingRegister(sender: agency, year: year)
        let closedAt = try closing(year, agency)
        return packets.compactMap { packet in
            guard let metadata = sidecar(packet.archivePath), (metadata.document.secrecy != nil) == secret else {
                return nil
            }
            let document = metadata.document
            let receipts = packet.receipts
            let refused = packet.refusedBy
            let sentAt = Timestamp.parse(packet.packedAt) ?? Date()
            let late = sentAt > calendar.sendingDeadline(issued: document.issuedDate)
            var notes: [String] = []
            if document.priority.isUrgent { notes.append(document.priority.label) }
            if let secrecy = document.secrecy { notes.append(secrecy.label) }
            if let clerkNotes = Self.clerkNotes(document) { notes.append(clerkNotes) }
            if !refused.isEmpty { notes.append("Bị từ chối: " + refused.sorted().joined(separator: ", ")) }
            if let closedAt, sentAt > closedAt { notes.append("Gửi sau khi sổ năm \(year) đã khoá") }
            return OutgoingRow(
                numberAndNotation: document.numberAndNotation, issued: document.issuedDate.vietnamese,
                typeAndSubject: "\(document.typeName): \(document.subject)",
                signer: document.signerInfo?.displayName ?? "",
                recipients: document.to.map { names[$0] ?? $0.rawValue }.joined(separator: "; "),
                archiveCopy: "Văn thư (bản điện tử trong kho lưu trữ)",
                copies: document.extra.first { $0.0 == "issuedAmount" }?.1.integerValue.map(String.init) ?? "",
                sent: localDateTime(sentAt),
                receipts: receipts.map { "\(names[$0.agency] ?? $0.agency.rawValue): số đến \($0.number)" }.joined(
                    separator: "; "),
                notes: notes.joined(separator: ". "), late: late, packetId: packet.packetId)
        }
    }

    /// The incoming register of `agency` for `year` (the year of arrival) in arrival-number order: the ordinary
    /// series, or with `secret` the separate series of documents with a secrecy level.
    public func incoming(agency: AgencyCode, year: Int, secret: Bool = false) throws -> [IncomingRow] {
        let arrivals = try index.incomingRegister(recipient: agency, year: year, series: secret ? "mat" : "thuong")
        var closings: [Int: Date?] = [:]
        return arrivals.compactMap { arrival in
            guard let metadata = sidecar(arrival.archivePath) else { return nil }
            let document = metadata.document
            let legal = arrival.legal.flatMap { try? JSONParser().parse(Array($0.utf8)) }?.arrayValue ?? []
            let referenceOnly = legal.contains { $0["status"]?.stringValue == "reference-only" } || legal.isEmpty
            var notes: [String] = []
            for item in legal {
                guard let name = item["name"]?.stringValue else { continue }
                if item["status"]?.stringValue == "signed" {
                    notes.append("\(name): có giá trị pháp lý (ký số: \(item["signer"]?.stringValue ?? ""))")
                } else {
                    notes.append("\(name): chỉ có giá trị tham khảo")
                }
            }
            if let secrecy = document.secrecy { notes.insert(secrecy.label, at: 0) }
            if document.priority.isUrgent { notes.insert(document.priority.label, at: 0) }
            if arrival.late { notes.append("Vào sổ sau giờ làm việc của ngày nhận") }
            if arrival.paper {
                notes.insert(
                    "Nhận bản giấy trong thời gian sự cố" + (arrival.receivedBy.map { " (người nhận: \($0))" } ?? ""),
                    at: 0)
            }
            if let clerkNotes = Self.clerkNotes(document) { notes.append(clerkNotes) }
            // A late arrival: a document of a year already closed when it was registered (Decree 30/2020 Art 15.1).
            let documentYear = document.issuedDate.year
            let registered = Timestamp.parse(arrival.registeredAt)
            if let registered, CalendarDate(registered, in: calendar.timeZone).year < year {
                // Registered while the clock was in a year already closed: numbered in the next open one.
                let day = CalendarDate(registered, in: calendar.timeZone)
                notes.append(
                    "Văn bản đến ngày \(day.vietnamese), sau khi sổ năm \(day.year) đã khoá: vào sổ năm \(year)")
            } else if documentYear < year {
                if closings[documentYear] == nil { closings[documentYear] = try? closing(documentYear, agency) }
                if let closedAt = closings[documentYear] ?? nil, let registered, registered > closedAt {
                    notes.append(
                        "Văn bản năm \(documentYear) đến sau khi sổ năm \(documentYear) đã khoá: vào sổ năm \(year)")
                }
            }
            let arrived =
                (arrival.paper ? arrival.receivedAt.flatMap(Timestamp.parse) : nil) ?? Timestamp.parse(
                    arrival.registeredAt) ?? Date()
            return IncomingRow(
                arrived: localDateTime(arrived),
                arrivalNumber: "\(arrival.number)",
                author: metadata.from.organName, numberAndNotation: document.numberAndNotation,
                issued: document.issuedDate.vietnamese,
                typeAndSubject: "\(document.typeName): \(document.subject)", recipient: "",
                forwarded: "", receipt: "", notes: notes.joined(separator: ". "), referenceOnly: referenceOnly,
                packetId: arrival.packetId)
        }
    }

    /// When `year` was closed for `agency` (or the whole office), if it was.
    func closing(_ year: Int, _ agency: AgencyCode) throws -> Date? {
        try index.closedYears().first { $0.year == year && ($0.agency == nil || $0.agency == agency.rawValue) }
            .flatMap { Timestamp.parse($0.closedAt) }
    }

    /// The sender clerk's own `notes` (Decree 30 App. VI "Ghi chú"), if any.
    static func clerkNotes(_ document: ClerkSidecar) -> String? {
        guard
            let text = document.extra.first(where: { $0.0 == "notes" })?.1.stringValue?.trimmingCharacters(
                in: .whitespacesAndNewlines),
            !text.isEmpty
        else { return nil }
        return text
    }

    /// The archived metadata of a packet (its `.json` sidecar beside the packet file).
    private func sidecar(_ archivePath: String) -> PacketMetadata? {
        let path = spool.path(archivePath)
        let json = (path as NSString).deletingPathExtension + ".json"
        guard let bytes = try? Durable.readSmallFile(json, limit: 16 << 20) else { return nil }
        return try? PacketMetadata.parse(bytes)
    }

    private func localDateTime(_ date: Date) -> String {
        "\(CalendarDate(date, in: calendar.timeZone).vietnamese) \(Timestamp.clock(date, in: calendar.timeZone))"
    }
}
