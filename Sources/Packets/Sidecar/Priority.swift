import Foundation

/// How urgent a document is (Decree 30/2020 Art 18; edXML Priority 0–4).
public enum Priority: String, Sendable, CaseIterable, Codable, Comparable, ClerkChoice {
    case thuong = "thuong"
    case khan = "khan"
    case thuongKhan = "thuong-khan"
    case hoaToc = "hoa-toc"
    case hoaTocHenGio = "hoa-toc-hen-gio"

    /// The edXML (QCVN 102:2016) priority code.
    public var edXMLCode: Int {
        switch self {
        case .thuong: 0
        case .khan: 1
        case .thuongKhan: 2
        case .hoaToc: 3
        case .hoaTocHenGio: 4
        }
    }

    /// The mark printed on the document, in Vietnamese.
    public var label: String {
        switch self {
        case .thuong: "Thường"
        case .khan: "Khẩn"
        case .thuongKhan: "Thượng khẩn"
        case .hoaToc: "Hỏa tốc"
        case .hoaTocHenGio: "Hỏa tốc hẹn giờ"
        }
    }

    /// Whether the rules ask for the document to go before ordinary ones.
    public var isUrgent: Bool { self != .thuong }

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.edXMLCode < rhs.edXMLCode }
}
