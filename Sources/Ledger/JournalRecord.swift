import Foundation
import Packets
import Signing

/// One line of the journal: what happened, when, and the SHA-256 of the line before it.
public struct JournalRecord: Sendable, Equatable {
    /// Position in the journal, from 1.
    public let sequence: Int64
    /// When it was written (ISO 8601 with the office's offset).
    public let at: String
    /// What happened: `packed`, `delivered`, `completed`, `rejected`, `started` …
    public let event: String
    /// The event's own fields.
    public let fields: [(String, JSONValue)]
    /// SHA-256 of the previous line's bytes (64 zeros for the first line).
    public let previous: String
    /// The line exactly as written, without its newline.
    public let line: [UInt8]

    /// SHA-256 of this line: the `previous` of the next record.
    public var hash: String { SHA256Hasher.hex(of: line) }

    /// A field's value.
    public subscript(_ key: String) -> JSONValue? { fields.first { $0.0 == key }?.1 }

    /// A text field.
    public func string(_ key: String) -> String? { self[key]?.stringValue }

    public static func == (lhs: JournalRecord, rhs: JournalRecord) -> Bool { lhs.line == rhs.line }

    /// The `previous` of the very first record.
    public static let genesis = String(repeating: "0", count: 64)

    static let reservedKeys: Set<String> = ["seq", "at", "event", "prev"]

    /// Builds the line for a new record.
    static func make(sequence: Int64, at: String, event: JournalEvent, previous: String) -> JournalRecord {
        let members: [(String, JSONValue)] = [("seq", .integer(sequence)), ("at", .string(at)), ("event", .string(event.name))]
            + event.fields + [("prev", .string(previous))]
        let line = JSONWriter.compactBytes(.object(members))
        return JournalRecord(sequence: sequence, at: at, event: event.name, fields: event.fields, previous: previous, line: line)
    }

    /// Parses a line; nil when it is not a journal record.
    static func parse(_ line: [UInt8]) -> JournalRecord? {
        guard let value = try? JSONParser().parse(line), let members = value.objectValue,
              let sequence = value["seq"]?.integerValue, let at = value["at"]?.stringValue,
              let event = value["event"]?.stringValue, let previous = value["prev"]?.stringValue else { return nil }
        return JournalRecord(sequence: sequence, at: at, event: event,
                             fields: members.filter { !reservedKeys.contains($0.0) }, previous: previous, line: line)
    }
}

/// An event to append: a name and its fields.
public struct JournalEvent: Sendable {
    public let name: String
    public let fields: [(String, JSONValue)]

    public init(_ name: String, _ fields: [(String, JSONValue)]) {
        self.name = name
        self.fields = fields.filter { !JournalRecord.reservedKeys.contains($0.0) }
    }
}
