import Packets

/// Why a journal line is not a record of a known kind with the fields that kind needs: never skipped, since an
/// index built past it would silently lack what it says.
public struct JournalRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line in journal.jsonl (0 when the record was not read from a file).
    public var line: Int
    /// The record's sequence number.
    public let sequence: Int64
    /// The record kind (its `event`).
    public let kind: String
    /// The field at fault; nil for an unknown kind.
    public let field: String?
    public let reason: String

    public var description: String {
        let location = line > 0 ? "journal line \(line) (record \(sequence))" : "journal record \(sequence)"
        guard let field else { return "\(location): \(reason)" }
        return "\(location): the \"\(kind)\" record's field \"\(field)\" \(reason)"
    }
}

extension LedgerEvent {
    /// The record's own fields, in the order they are written (between `event` and `prev`).
    public var fields: [(String, JSONValue)] {
        var fields = FieldWriter()
        switch self {
        case .packed(let packet):
            packet.write(&fields)
        case .received(let packet, let recipient):
            packet.write(&fields)
            fields.add("recipient", recipient)
        case .delivered(let packetId, let recipient, let path):
            fields.add("packetId", packetId)
            fields.add("recipient", recipient)
            fields.add("path", path)
        case .completed(let packetId, let sent):
            fields.add("packetId", packetId)
            fields.add("sent", sent)
        case .registered(let registration):
            fields.add("packetId", registration.packetId)
            fields.add("recipient", registration.recipient)
            fields.add("year", registration.year)
            fields.add("series", registration.series)
            fields.add("number", registration.number)
            fields.add("late", registration.late)
            fields.add("documents", registration.documents)
            fields.add("medium", registration.medium)
            fields.add("receivedAt", registration.receivedAt)
            fields.add("receivedBy", registration.receivedBy)
        case .status(let packetId, let sender, let recipient, let code, let late, let reason, let arrivalNumber):
            fields.add("packetId", packetId)
            fields.add("sender", sender)
            fields.add("recipient", recipient)
            fields.add("code", code)
            fields.add("late", late)
            fields.add("reason", reason)
            fields.add("arrivalNumber", arrivalNumber)
        case .refused(let packetId, let recipient, let reason, let message, let file):
            fields.add("packetId", packetId)
            fields.add("recipient", recipient)
            fields.add("reason", reason)
            fields.add("message", message)
            fields.add("file", file)
        case .setAside(let packetId, let recipient, let reason, let message, let file):
            fields.add("packetId", packetId)
            fields.add("recipient", recipient)
            fields.add("reason", reason)
            fields.add("message", message)
            fields.add("file", file)
        case .verified(let packetId, let result, let detail, let via):
            fields.add("packetId", packetId)
            fields.add("result", result)
            fields.add("detail", detail)
            fields.add("via", via)
        case .rejected(let packetId, let agency, let names, let reason, let message):
            fields.add("packetId", packetId)
            fields.add("agency", agency)
            fields.add("names", JSONValue.array(names.map(JSONValue.string)))
            fields.add("reason", reason)
            fields.add("message", message)
        case .started(let mode, let watch):
            fields.add("mode", mode)
            fields.add("watch", watch)
        case .stopped:
            break
        case .accessed(let user, let role, let packetId, let secrecy, let action, let via, let file):
            fields.add("user", user)
            fields.add("role", role)
            fields.add("packetId", packetId)
            fields.add("secrecy", secrecy)
            fields.add("action", action)
            fields.add("via", via)
            fields.add("file", file)
        case .admin(let action, let by, let reason, let target, let details):
            fields.add("action", action)
            fields.add("by", by)
            fields.add("reason", reason)
            fields.add("target", target)
            if let details { fields.add("details", details) }
        case .redirected(let packetId, let from, let to):
            fields.add("packetId", packetId)
            fields.add("from", from)
            fields.add("to", to)
        case .undelivered(let packetId, let recipient, let reason, let by):
            fields.add("packetId", packetId)
            fields.add("recipient", recipient)
            fields.add("reason", reason)
            fields.add("by", by)
        case .relocated(let agency, let folder, let packetId, let from, let to):
            if let agency { fields.add("agency", agency) }
            fields.add("folder", folder)
            fields.add("packetId", packetId)
            fields.add("from", from)
            fields.add("to", to)
        }
        return fields.members
    }

    /// Decodes a record's fields (those between `event` and `prev`) as the record of `kind`. Throws
    /// `JournalRecordError` (without a line number: the caller knows it) for an unknown kind, a field that is
    /// missing, of the wrong type or not one the kind has.
    public init(kind: String, fields: [(String, JSONValue)], sequence: Int64 = 0) throws {
        var reader = FieldReader(kind: kind, sequence: sequence, members: fields)
        switch kind {
        case "packed":
            self = .packed(try LedgerPacket(&reader))
        case "received":
            self = .received(try LedgerPacket(&reader), recipient: try reader.agency("recipient"))
        case "delivered":
            self = .delivered(
                packetId: try reader.packetID("packetId"), recipient: try reader.agency("recipient"),
                path: try reader.string("path"))
        case "completed":
            self = .completed(packetId: try reader.packetID("packetId"), sent: try reader.string("sent"))
        case "registered":
            self = .registered(
                LedgerRegistration(
                    packetId: try reader.string("packetId"), recipient: try reader.agency("recipient"),
                    year: try reader.integer("year"),
                    series: try reader.string("series"), number: try reader.integer("number"),
                    late: try reader.bool("late"),
                    documents: try reader.value("documents"), medium: try reader.string("medium", optional: true),
                    receivedAt: try reader.string("receivedAt", optional: true),
                    receivedBy: try reader.string("receivedBy", optional: true)))
        case "status":
            self = .status(
                packetId: try reader.string("packetId"), sender: try reader.agency("sender"),
                recipient: try reader.agency("recipient"), code: try reader.string("code"),
                late: try reader.bool("late"),
                reason: try reader.string("reason", optional: true),
                arrivalNumber: try reader.integer("arrivalNumber", optional: true))
        case "refused":
            self = .refused(
                packetId: try reader.string("packetId"), recipient: try reader.agency("recipient"),
                reason: try reader.string("reason"), message: try reader.string("message"),
                file: try reader.string("file", optional: true))
        case "set-aside":
            self = .setAside(
                packetId: try reader.string("packetId"), recipient: try reader.agency("recipient"),
                reason: try reader.string("reason"), message: try reader.string("message"),
                file: try reader.string("file"))
        case "verified":
            self = .verified(
                packetId: try reader.string("packetId"), result: try reader.string("result"),
                detail: try reader.string("detail"), via: try reader.string("via"))
        case "rejected":
            self = .rejected(
                packetId: try reader.packetID("packetId"), agency: try reader.agency("agency"),
                names: try reader.strings("names"), reason: try reader.string("reason"),
                message: try reader.string("message"))
        case "started":
            self = .started(mode: try reader.string("mode"), watch: try reader.string("watch"))
        case "stopped":
            self = .stopped
        case "accessed":
            self = .accessed(
                user: try reader.string("user"), role: try reader.string("role"),
                packetId: try reader.string("packetId"),
                secrecy: try reader.string("secrecy"), action: try reader.string("action"),
                via: try reader.string("via", optional: true), file: try reader.string("file", optional: true))
        case "admin":
            self = .admin(
                action: try reader.string("action"), by: try reader.string("by"), reason: try reader.string("reason"),
                target: try reader.string("target", optional: true),
                details: try reader.value("details", optional: true))
        case "redirected":
            self = .redirected(
                packetId: try reader.packetID("packetId"), from: try reader.agency("from"), to: try reader.agency("to"))
        case "undelivered":
            self = .undelivered(
                packetId: try reader.packetID("packetId"), recipient: try reader.agency("recipient"),
                reason: try reader.string("reason"), by: try reader.string("by"))
        case "relocated":
            self = .relocated(
                agency: try reader.agency("agency", optional: true), folder: try reader.string("folder"),
                packetId: try reader.string("packetId", optional: true), from: try reader.string("from"),
                to: try reader.string("to"))
        default:
            throw JournalRecordError(
                line: 0, sequence: sequence, kind: kind, field: nil, reason: "unknown record kind \"\(kind)\"")
        }
        try reader.finish()
    }
}

extension LedgerPacket {
    fileprivate func write(_ fields: inout FieldWriter) {
        fields.add("packetId", packetId)
        fields.add("sender", sender)
        fields.add("codeNumber", codeNumber)
        fields.add("codeNotation", codeNotation)
        fields.add("issuedDate", issuedDate)
        fields.add("typeName", typeName)
        fields.add("subject", subject)
        fields.add("priority", priority)
        fields.add("secrecy", secrecy)
        fields.add("to", JSONValue.array(to.map { .string($0.rawValue) }))
        fields.add("files", JSONValue.array(files.map(JSONValue.string)))
        fields.add("packedAt", packedAt)
        fields.add("archive", archive)
        fields.add("sha256", sha256)
        fields.add("size", size)
    }

    fileprivate init(_ reader: inout FieldReader) throws {
        self.init(
            packetId: try reader.packetID("packetId"), sender: try reader.agency("sender"),
            codeNumber: try reader.string("codeNumber"), codeNotation: try reader.string("codeNotation"),
            issuedDate: try reader.string("issuedDate"), typeName: try reader.string("typeName"),
            subject: try reader.string("subject"), priority: try reader.string("priority"),
            secrecy: try reader.string("secrecy", optional: true), to: try reader.agencies("to"),
            files: try reader.strings("files"),
            // The first release wrote no packedAt for a packet whose metadata it did not have.
            packedAt: try reader.string("packedAt", optional: true),
            archive: try reader.string("archive"), sha256: try reader.string("sha256", optional: true),
            size: try reader.integer("size", optional: true))
    }
}

/// Builds a record's members in order; an optional value that is nil is left out.
private struct FieldWriter {
    var members: [(String, JSONValue)] = []

    mutating func add(_ key: String, _ value: JSONValue) { members.append((key, value)) }
    mutating func add(_ key: String, _ value: String) { add(key, .string(value)) }
    mutating func add(_ key: String, _ value: String?) { if let value { add(key, value) } }
    mutating func add(_ key: String, _ value: Int64) { add(key, .integer(value)) }
    mutating func add(_ key: String, _ value: Int64?) { if let value { add(key, value) } }
    mutating func add(_ key: String, _ value: Bool) { add(key, .bool(value)) }
    mutating func add(_ key: String, _ value: PacketID) { add(key, value.rawValue) }
    mutating func add(_ key: String, _ value: AgencyCode) { add(key, value.rawValue) }
}

/// Reads a record's members by name, each once; `finish` refuses members no field asked for. A value is accepted
/// only in the form the writer gives it, so that what decodes encodes back to the same bytes.
private struct FieldReader {
    let kind: String
    let sequence: Int64
    let members: [(String, JSONValue)]
    var read: Set<String> = []

    init(kind: String, sequence: Int64, members: [(String, JSONValue)]) {
        self.kind = kind
        self.sequence = sequence
        self.members = members
    }

    func error(_ field: String, _ reason: String) -> JournalRecordError {
        JournalRecordError(line: 0, sequence: sequence, kind: kind, field: field, reason: reason)
    }

    mutating func value(_ key: String, optional: Bool) throws -> JSONValue? {
        read.insert(key)
        guard let value = members.first(where: { $0.0 == key })?.1 else {
            if optional { return nil }
            throw error(key, "is missing")
        }
        return value
    }

    mutating func value(_ key: String) throws -> JSONValue {
        guard let value = try value(key, optional: false) else { throw error(key, "is missing") }
        return value
    }

    mutating func string(_ key: String, optional: Bool) throws -> String? {
        guard let value = try value(key, optional: optional) else { return nil }
        guard case .string(let text) = value else { throw error(key, "is a \(value.typeName), not a string") }
        return text
    }

    mutating func string(_ key: String) throws -> String {
        guard let text = try string(key, optional: false) else { throw error(key, "is missing") }
        return text
    }

    mutating func integer(_ key: String, optional: Bool) throws -> Int64? {
        guard let value = try value(key, optional: optional) else { return nil }
        guard case .number(let text) = value, let number = Int64(text), String(number) == text else {
            throw error(
                key, "is \(value.typeName == "number" ? "not an integer" : "a \(value.typeName), not an integer")")
        }
        return number
    }

    mutating func integer(_ key: String) throws -> Int64 {
        guard let number = try integer(key, optional: false) else { throw error(key, "is missing") }
        return number
    }

    mutating func bool(_ key: String) throws -> Bool {
        let value = try value(key)
        guard case .bool(let flag) = value else { throw error(key, "is a \(value.typeName), not a boolean") }
        return flag
    }

    mutating func packetID(_ key: String) throws -> PacketID {
        let text = try string(key)
        guard let id = PacketID(text) else { throw error(key, "is not a packet id: \"\(text)\"") }
        return id
    }

    mutating func agency(_ key: String) throws -> AgencyCode {
        let text = try string(key)
        guard let code = AgencyCode(text), code.rawValue == text else {
            throw error(key, "is not an agency code: \"\(text)\"")
        }
        return code
    }

    mutating func agency(_ key: String, optional: Bool) throws -> AgencyCode? {
        guard let text = try string(key, optional: optional) else { return nil }
        guard let code = AgencyCode(text), code.rawValue == text else {
            throw error(key, "is not an agency code: \"\(text)\"")
        }
        return code
    }

    mutating func strings(_ key: String) throws -> [String] {
        let value = try value(key)
        guard case .array(let elements) = value else {
            throw error(key, "is a \(value.typeName), not an array of strings")
        }
        return try elements.map { element in
            guard case .string(let text) = element else {
                throw error(key, "holds a \(element.typeName), not only strings")
            }
            return text
        }
    }

    mutating func agencies(_ key: String) throws -> [AgencyCode] {
        try strings(key).map { text in
            guard let code = AgencyCode(text), code.rawValue == text else {
                throw error(key, "holds \"\(text)\", not an agency code")
            }
            return code
        }
    }

    func finish() throws {
        if let extra = members.first(where: { !read.contains($0.0) }) {
            throw error(extra.0, "is not a field of this kind")
        }
    }
}
