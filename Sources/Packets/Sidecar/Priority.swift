import Foundation

/// How urgent a document is (Decree 30/2020 Art 18; edXML Priority 0–4).
public enum Priority: String, Sendable, CaseIterable, Codable, Comparable {
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

    /// The priority a clerk meant: the contract's words, or the Vietnamese mark with or without accents
    /// ("Hỏa tốc", "hoa toc"), in any case.
    public init?(clerkText text: String) {
        if let exact = Priority(rawValue: text) {
            self = exact
            return
        }
        let folded = VietnameseFolding.fold(text).replacingOccurrences(of: " ", with: "-")
        guard let match = Priority.allCases.first(where: { VietnameseFolding.fold($0.label).replacingOccurrences(of: " ", with: "-") == folded || $0.rawValue == folded }) else {
            return nil
        }
        self = match
    }
}

/// The secrecy level of a classified document (Law on Protection of State Secrets 2018).
public enum Secrecy: String, Sendable, CaseIterable, Codable, Comparable {
    case mat = "mat"
    case toiMat = "toi-mat"
    case tuyetMat = "tuyet-mat"

    /// The mark printed on the document, in Vietnamese.
    public var label: String {
        switch self {
        case .mat: "Mật"
        case .toiMat: "Tối mật"
        case .tuyetMat: "Tuyệt mật"
        }
    }

    private var rank: Int { Secrecy.allCases.firstIndex(of: self)! }

    public static func < (lhs: Secrecy, rhs: Secrecy) -> Bool { lhs.rank < rhs.rank }

    /// The secrecy a clerk meant: the contract's words, or the Vietnamese mark with or without accents.
    public init?(clerkText text: String) {
        if let exact = Secrecy(rawValue: text) {
            self = exact
            return
        }
        let folded = VietnameseFolding.fold(text).replacingOccurrences(of: " ", with: "-")
        guard let match = Secrecy.allCases.first(where: { VietnameseFolding.fold($0.label).replacingOccurrences(of: " ", with: "-") == folded }) else {
            return nil
        }
        self = match
    }
}
