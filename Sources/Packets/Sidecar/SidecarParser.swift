import Foundation

/// Reads and validates a clerk's sidecar: every field checked, every text made NFC, every problem reported at
/// once in Vietnamese and English so the clerk fixes the file in one go.
public struct SidecarParser: Sendable {
    /// Largest sidecar accepted, in bytes.
    public static let maxBytes = 1 << 20
    /// Most recipients in one packet.
    public static let maxRecipients = 500

    public init() {}

    /// Parses and validates sidecar bytes.
    public func parse(_ bytes: [UInt8]) throws(SidecarRejection) -> ClerkSidecar {
        guard bytes.count <= Self.maxBytes else {
            throw SidecarRejection([SidecarMessages.tooLarge(bytes: bytes.count, limit: Self.maxBytes)])
        }
        let text: [UInt8]
        switch SidecarEncoding.detect(bytes) {
        case .utf8: text = bytes
        case .utf16(let decoded): text = decoded  // Notepad's "Unicode": read as it was meant, no harm done
        case .utf16WithoutMark: throw SidecarRejection([SidecarMessages.utf16WithoutMark()])
        case .notUTF8(let offset): throw SidecarRejection([SidecarMessages.notUTF8(offset: offset)])
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            throw SidecarRejection([SidecarMessages.syntax(error)])
        }
        return try parse(value)
    }

    /// Validates an already parsed JSON value. Unknown fields that are not near-misses of known ones are kept.
    public func parse(_ value: JSONValue, ignoringPacketFields: Bool = false) throws(SidecarRejection) -> ClerkSidecar {
        guard let members = value.objectValue else {
            throw SidecarRejection([SidecarMessages.notObject(found: value.typeName)])
        }
        var reader = FieldReader(members: members)

        for field in SidecarField.required where value[field] == nil {
            reader.issues.append(SidecarMessages.missing(field))
        }
        let codeNumber = reader.codeNumber()
        let codeNotation = reader.codeNotation()
        let issuedDate = reader.date("issuedDate")
        let typeName = reader.text("typeName", limit: 200)
        let subject = reader.text("subject", limit: 2000)
        let signerInfo = reader.signerInfo()
        let to = reader.recipients()
        let priority =
            reader.choice(
                "priority", parse: Priority.init(clerkText:),
                allowed: Priority.allCases.map { ($0.rawValue, $0.label) }) ?? .thuong
        let secrecy = reader.choice(
            "secrecy", parse: Secrecy.init(clerkText:),
            allowed: Secrecy.allCases.map { ($0.rawValue, $0.label) })
        let dueDate = reader.date("dueDate")
        if let dueDate, let issuedDate, dueDate < issuedDate {
            reader.issues.append(SidecarMessages.dueBeforeIssued(due: dueDate, issued: issuedDate))
        }
        let extra = reader.extras(ignoringPacketFields: ignoringPacketFields)

        guard reader.issues.isEmpty, let codeNumber, let codeNotation, let issuedDate, let typeName, let subject, let to
        else {
            throw SidecarRejection(reader.issues, recipients: reader.wellFormedRecipients, issuedDate: issuedDate)
        }
        return ClerkSidecar(
            codeNumber: codeNumber, codeNotation: codeNotation, issuedDate: issuedDate, typeName: typeName,
            subject: subject, signerInfo: signerInfo, to: to, priority: priority, secrecy: secrecy,
            dueDate: dueDate, extra: extra)
    }
}

/// Reads fields one by one, collecting issues instead of stopping at the first.
private struct FieldReader {
    let members: [(String, JSONValue)]
    var issues: [ClerkIssue] = []
    /// Every well-formed code in `to`, even when others in it are not.
    var wellFormedRecipients: [AgencyCode] = []

    subscript(_ field: String) -> JSONValue? {
        guard let value = members.first(where: { $0.0 == field })?.1, value != .null else { return nil }
        return value
    }

    /// A text field: NFC, trimmed, not empty, within `limit` characters, without control characters.
    mutating func text(
        _ field: String, limit: Int, multiline: Bool = false, value: JSONValue? = nil, path: String? = nil
    ) -> String? {
        let name = path ?? field
        guard let raw = value ?? self[field] else { return nil }
        guard let string = raw.stringValue else {
            issues.append(
                SidecarMessages.wrongType(
                    name, expectedVi: "một chuỗi ký tự", expectedEn: "a string", found: raw.typeName))
            return nil
        }
        let text = string.precomposedNFC.trimmingCharacters(in: .whitespaces)
        if let scalar = text.firstControlCharacter(allowingLineBreaks: multiline) {
            issues.append(SidecarMessages.controlCharacter(name, scalar))
            return nil
        }
        guard !text.isEmpty else {
            issues.append(SidecarMessages.empty(name))
            return nil
        }
        guard text.count <= limit else {
            issues.append(SidecarMessages.tooLong(name, count: text.count, limit: limit))
            return nil
        }
        return text
    }

    /// Số: digits only (Decree 30/2020 Art 15: Arabic numerals, from 01 each year). A JSON number is accepted too.
    mutating func codeNumber() -> String? {
        let field = "codeNumber"
        let raw: String?
        if let number = self[field]?.integerValue {
            raw = String(number)
        } else {
            raw = text(field, limit: 200)  // the length is judged below, after what matters more
        }
        guard let raw else { return nil }
        // `204/QĐ-UBND`: the number and the notation written together in the number's field.
        if let slash = raw.firstIndex(of: "/") {
            let number = raw[..<slash].trimmingCharacters(in: .whitespaces)
            let notation = raw[raw.index(after: slash)...].trimmingCharacters(in: .whitespaces)
            if !number.isEmpty, number.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                let given = self["codeNotation"]?.stringValue?.precomposedNFC.trimmingCharacters(in: .whitespaces)
                issues.append(
                    SidecarMessages.numberWithNotation(raw, number: number, notation: notation, givenNotation: given))
                return nil
            }
        }
        guard raw.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), raw.utf8.count <= 10,
            raw.contains(where: { $0 != "0" })
        else {
            issues.append(SidecarMessages.badCodeNumber(raw))
            return nil
        }
        return raw
    }

    /// Ký hiệu: letters (Vietnamese included), digits and `- . / &`.
    mutating func codeNotation() -> String? {
        guard let notation = text("codeNotation", limit: 100) else { return nil }
        let allowed = notation.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-./&_".unicodeScalars.contains(scalar)
        }
        guard allowed else {
            issues.append(SidecarMessages.badNotation(notation))
            return nil
        }
        return notation
    }

    mutating func date(_ field: String) -> CalendarDate? {
        guard let raw = text(field, limit: 10) else { return nil }
        guard let date = CalendarDate(iso: raw), (1900...2200).contains(date.year) else {
            issues.append(SidecarMessages.badDate(field, raw))
            return nil
        }
        return date
    }

    mutating func choice<T>(_ field: String, parse: (String) -> T?, allowed: [(String, String)]) -> T? {
        guard let raw = text(field, limit: 40) else { return nil }
        guard let value = parse(raw) else {
            issues.append(SidecarMessages.badChoice(field, raw, allowed: allowed))
            return nil
        }
        return value
    }

    mutating func recipients() -> [AgencyCode]? {
        guard let raw = self["to"] else { return nil }
        let elements: [JSONValue]
        if let list = raw.arrayValue {
            elements = list
        } else if raw.stringValue != nil {
            elements = [raw]  // a single code written without brackets
        } else {
            issues.append(
                SidecarMessages.wrongType(
                    "to", expectedVi: "danh sách mã cơ quan", expectedEn: "a list of agency codes", found: raw.typeName)
            )
            return nil
        }
        guard !elements.isEmpty else {
            issues.append(SidecarMessages.noRecipients())
            return nil
        }
        guard elements.count <= SidecarParser.maxRecipients else {
            issues.append(SidecarMessages.tooManyRecipients(count: elements.count, limit: SidecarParser.maxRecipients))
            return nil
        }
        var codes: [AgencyCode] = []
        var failed = false
        for (index, element) in elements.enumerated() {
            let path = "to[\(index)]"
            guard let text = text("to", limit: 13 * 4, value: element, path: path) else {
                failed = true
                continue
            }
            guard let code = AgencyCode(text) else {
                issues.append(SidecarMessages.badAgencyCode(path, text))
                failed = true
                continue
            }
            guard !codes.contains(code) else {
                issues.append(SidecarMessages.duplicateRecipient(path, code))
                failed = true
                continue
            }
            codes.append(code)
            wellFormedRecipients.append(code)
        }
        return failed ? nil : codes
    }

    mutating func signerInfo() -> SignerInfo? {
        guard let raw = self["signerInfo"] else { return nil }
        guard let members = raw.objectValue else {
            issues.append(
                SidecarMessages.wrongType(
                    "signerInfo", expectedVi: "một đối tượng { … }", expectedEn: "an object", found: raw.typeName))
            return nil
        }
        let known = ["competence", "position", "fullName"]
        for (key, _) in members where !known.contains(key) {
            issues.append(SidecarMessages.unknownSubfield("signerInfo.\(key)", allowed: known))
        }
        func part(_ key: String, _ limit: Int) -> String? {
            guard let value = members.first(where: { $0.0 == key })?.1, value != .null else { return nil }
            return text(key, limit: limit, value: value, path: "signerInfo.\(key)")
        }
        return SignerInfo(
            competence: part("competence", 50), position: part("position", 200), fullName: part("fullName", 200))
    }

    /// Fields beyond the contract's: known Decree 30 App. VI fields are type-checked; others are kept as given
    /// (texts made NFC) unless they look like a misspelt known field.
    mutating func extras(ignoringPacketFields: Bool) -> [(String, JSONValue)] {
        var known: [(String, JSONValue)] = []
        for (field, kind) in SidecarField.appendixVI {
            guard let value = self[field] else { continue }
            if let checked = extra(field, kind: kind, value: value) { known.append((field, checked)) }
        }
        let knownNames = Set(SidecarField.core + SidecarField.appendixVI.map(\.0))
        var others: [(String, JSONValue)] = []
        for (key, value) in members where !knownNames.contains(key) {
            if SidecarField.reserved.contains(key) {
                if !ignoringPacketFields { issues.append(SidecarMessages.reserved(key)) }
                continue
            }
            guard
                key.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
                }),
                !key.isEmpty, key.count <= 64
            else {
                issues.append(SidecarMessages.notNFCName(String(key.precomposedNFC.prefix(64))))
                continue
            }
            if let meant = nearestKnown(key, among: knownNames.union(SidecarField.reserved)) {
                issues.append(SidecarMessages.probableTypo(key, meant: meant))
                continue
            }
            if let cleaned = clean(value, path: key, depth: 0) { others.append((key, cleaned)) }
        }
        return known + others.sorted { $0.0 < $1.0 }
    }

    mutating func extra(_ field: String, kind: SidecarField.ExtraKind, value: JSONValue) -> JSONValue? {
        switch kind {
        case .count:
            guard let number = value.integerValue, number > 0 else {
                issues.append(SidecarMessages.badCount(field, value.stringValue.map { "\"\($0)\"" } ?? value.typeName))
                return nil
            }
            return .integer(number)
        case .shortText:
            return text(field, limit: 500, value: value).map(JSONValue.string)
        case .longText:
            return text(field, limit: 10_000, multiline: true, value: value).map(JSONValue.string)
        case .texts:
            if let list = value.arrayValue {
                var out: [JSONValue] = []
                for (index, element) in list.enumerated() {
                    if let item = text(field, limit: 500, value: element, path: "\(field)[\(index)]") {
                        out.append(.string(item))
                    }
                }
                return out.count == list.count ? .array(out) : nil
            }
            return text(field, limit: 500, value: value).map { .array([.string($0)]) }
        }
    }

    /// A field of unknown meaning, made NFC and checked for control characters all the way down.
    mutating func clean(_ value: JSONValue, path: String, depth: Int) -> JSONValue? {
        switch value {
        case .string:
            return text(path, limit: 10_000, multiline: true, value: value, path: path).map(JSONValue.string)
        case .array(let elements):
            var out: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                guard let item = clean(element, path: "\(path)[\(index)]", depth: depth + 1) else { return nil }
                out.append(item)
            }
            return .array(out)
        case .object(let members):
            var out: [(String, JSONValue)] = []
            for (key, member) in members {
                let normalised = key.precomposedNFC
                if let scalar = normalised.firstControlCharacter() {
                    issues.append(SidecarMessages.controlCharacter("\(path).\(key)", scalar))
                    return nil
                }
                guard let item = clean(member, path: "\(path).\(normalised)", depth: depth + 1) else { return nil }
                out.append((normalised, item))
            }
            return .object(out)
        case .null, .bool, .number:
            return value
        }
    }

    /// The known field `key` is probably a misspelling of: same letters ignoring case, or at most two edits away.
    func nearestKnown(_ key: String, among known: Set<String>) -> String? {
        let lower = Array(key.lowercased())
        var best: (String, Int)?
        for candidate in known.sorted() {
            let distance = EditDistance.between(lower, Array(candidate.lowercased()))
            let allowed = candidate.count <= 4 ? 1 : 2
            if distance <= allowed, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }
}
