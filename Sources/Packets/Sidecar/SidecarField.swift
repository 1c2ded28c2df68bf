/// The sidecar's fields, with the Vietnamese name a clerk knows them by.
enum SidecarField {
    /// Fields every sidecar must have.
    static let required = ["codeNumber", "codeNotation", "issuedDate", "typeName", "subject", "to"]

    /// Fields the contract names, in the order metadata.json lists them.
    static let core = [
        "codeNumber", "codeNotation", "issuedDate", "typeName", "subject", "signerInfo", "to",
        "priority", "secrecy", "dueDate",
    ]

    /// Further Decree 30 App. VI / edXML fields with a known type, in the order metadata.json lists them.
    static let appendixVI: [(String, ExtraKind)] = [
        ("pageAmount", .count), ("issuedAmount", .count), ("language", .shortText), ("description", .longText),
        ("keywords", .texts), ("promulgationPlace", .shortText), ("toPlaces", .texts), ("steeringType", .count),
        ("documentCode", .shortText), ("fileCode", .shortText), ("notes", .longText),
    ]

    /// Fields the packet itself sets; a clerk may not give them.
    static let reserved: Set<String> = ["schemaVersion", "packetId", "from", "files", "packedAt", "signer"]

    /// The kind of value a known extra field holds.
    enum ExtraKind {
        /// A positive whole number.
        case count
        /// One line of text.
        case shortText
        /// Text that may span lines.
        case longText
        /// One text, or a list of texts.
        case texts
    }

    /// Vietnamese name of a field, for messages.
    static func vietnameseName(_ field: String) -> String {
        switch field.split(separator: ".").first.map(String.init)?.split(separator: "[").first.map(String.init) ?? field
        {
        case "codeNumber": "số văn bản"
        case "codeNotation": "ký hiệu văn bản"
        case "issuedDate": "ngày ban hành"
        case "typeName": "tên loại văn bản"
        case "subject": "trích yếu nội dung"
        case "signerInfo": "người ký"
        case "to": "nơi nhận"
        case "priority": "độ khẩn"
        case "secrecy": "độ mật"
        case "dueDate": "hạn xử lý"
        case "pageAmount": "số trang"
        case "issuedAmount": "số lượng bản"
        case "language": "ngôn ngữ"
        case "description": "mô tả"
        case "keywords": "từ khóa"
        case "promulgationPlace": "nơi ban hành"
        case "toPlaces": "nơi nhận (ghi bằng chữ)"
        case "notes": "ghi chú"
        default: "trường \(field)"
        }
    }
}
