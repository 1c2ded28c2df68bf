import Foundation
import Packets

/// A status message in the edXML vocabulary (QCVN 102:2016): what a recipient says back to the sender about a
/// document. The codes LienThong sends are those the receiving side can know on its own.
public struct StatusRecord: Sendable, Equatable {
    public enum Code: String, Sendable, CaseIterable {
        /// Đã đến: the packet reached the recipient's office.
        case arrived = "01"
        /// Từ chối tiếp nhận: the packet was refused (with the reason).
        case refused = "02"
        /// Đã tiếp nhận: verified and registered (given its arrival number).
        case accepted = "03"

        /// The Vietnamese label.
        public var label: String {
            switch self {
            case .arrived: "Đã đến"
            case .refused: "Từ chối tiếp nhận"
            case .accepted: "Đã tiếp nhận, vào sổ"
            }
        }
    }

    public let code: Code
    public let packetId: String
    /// The sending agency, the document's number and notation and its date (the document the status answers).
    public let sender: AgencyCode
    public let numberAndNotation: String?
    public let issuedDate: CalendarDate?
    /// The recipient who speaks.
    public let recipient: AgencyCode
    public let recipientName: String
    public let at: Date
    /// The arrival number, for `accepted`.
    public let arrivalNumber: Int64?
    /// Why, for `refused` (Vietnamese, then English).
    public let reason: Bilingual?
    /// A receipt given after the end of the working day of arrival (Decree 30/2020 Art 21.2: the same day).
    public let late: Bool

    public init(
        code: Code, packetId: String, sender: AgencyCode, numberAndNotation: String?, issuedDate: CalendarDate?,
        recipient: AgencyCode, recipientName: String, at: Date, arrivalNumber: Int64? = nil, reason: Bilingual? = nil,
        late: Bool = false
    ) {
        self.code = code
        self.packetId = packetId
        self.sender = sender
        self.numberAndNotation = numberAndNotation
        self.issuedDate = issuedDate
        self.recipient = recipient
        self.recipientName = recipientName.precomposedNFC
        self.at = at
        self.arrivalNumber = arrivalNumber
        self.reason = reason
        self.late = late
    }

    /// The file name under the sender's `status/` folder: `<packet-id> <recipient> <code>.xml`.
    public var fileName: String { "\(packetId) \(recipient) \(code.rawValue).xml" }

    /// The edXML envelope, UTF-8, NFC.
    public func xml(timeZone: TimeZone) -> String {
        func element(_ name: String, _ value: String?) -> String {
            guard let value else { return "" }
            return "<edXML:\(name)>\(value.markupEscaped)</edXML:\(name)>"
        }
        let stamp = Timestamp.string(at, in: timeZone)
        var description = code.label
        if let arrivalNumber { description += "; số đến \(arrivalNumber)" }
        if let reason { description += ": \(reason.vi) / \(reason.en)" }
        if late { description += "; trả lời sau giờ làm việc của ngày nhận" }
        let date = issuedDate.map { String(format: "%04d/%02d/%02d", $0.year, $0.month, $0.day) }
        let lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<edXML:edXMLEnvelope xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">",
            "  <edXML:edXMLHeader>",
            "    <edXML:Status>",
            "      <edXML:ResponseFor>" + element("OrganId", sender.rawValue) + element("Code", numberAndNotation)
                + element("PromulgationDate", date) + element("DocumentId", packetId) + "</edXML:ResponseFor>",
            "      <edXML:From>" + element("OrganId", recipient.rawValue) + element("OrganName", recipientName)
                + "</edXML:From>",
            "      " + element("StatusCode", code.rawValue),
            "      " + element("Description", description),
            "      " + element("Timestamp", stamp),
            "    </edXML:Status>",
            "  </edXML:edXMLHeader>",
            "</edXML:edXMLEnvelope>",
            "",
        ]
        return lines.joined(separator: "\n").precomposedNFC
    }
}
