import Foundation
import Packets
import Signing

/// One line of the journal: what happened, when, and the SHA-256 of the line before it.
public struct JournalRecord: Sendable, Equatable {
    /// Position in the journal, from 1.
    public let sequence: Int64
    /// When it was written (ISO 8601 with the office's offset).
    public let at: String
    /// What happened, decoded from the line (its kind and fields).
    public let event: LedgerEvent
    /// SHA-256 of the previous line's bytes (64 zeros for the first line).
    public let previous: String
    /// The line exactly as written, without its newline.
    public let line: [UInt8]

    /// The record kind, as the line's `event` says it.
    public var kind: String { event.kind }

    /// SHA-256 of this line: the `previous` of the next record.
    public var hash: String { SHA256Hasher.hex(of: line) }

    public static func == (lhs: JournalRecord, rhs: JournalRecord) -> Bool { lhs.line == rhs.line }

    /// The `previous` of the very first record.
    public static let genesis = String(repeating: "0", count: 64)

    static let reservedKeys: Set<String> = ["seq", "at", "event", "prev"]

    /// Builds the line for a new record.
    static func make(sequence: Int64, at: String, event: LedgerEvent, previous: String) -> JournalRecord {
        let members: [(String, JSONValue)] =
            [("seq", .integer(sequence)), ("at", .string(at)), ("event", .string(event.kind))]
            + event.fields + [("prev", .string(previous))]
        let line = JSONWriter.compactBytes(.object(members))
        return JournalRecord(sequence: sequence, at: at, event: event, previous: previous, line: line)
    }

    /// What every record has, whatever its kind: nil when the line is not a journal record at all (torn, garbled).
    struct Envelope {
        let sequence: Int64
        let at: String
        let kind: String
        let previous: String
        let fields: [(String, JSONValue)]
        let line: [UInt8]

        var hash: String { SHA256Hasher.hex(of: line) }

        init?(_ line: [UInt8]) {
            guard let value = try? JSONParser().parse(line), let members = value.objectValue,
                let sequence = value["seq"]?.integerValue, let at = value["at"]?.stringValue,
                let kind = value["event"]?.stringValue, let previous = value["prev"]?.stringValue
            else { return nil }
            self.sequence = sequence
            self.at = at
            self.kind = kind
            self.previous = previous
            self.fields = members.filter { !JournalRecord.reservedKeys.contains($0.0) }
            self.line = line
        }
    }

    /// Parses a line: nil when it is not a journal record at all; throws `JournalRecordError` (naming `lineNumber`)
    /// when it is one of an unknown kind, or without the fields its kind needs.
    static func parse(_ line: [UInt8], lineNumber: Int = 0) throws -> JournalRecord? {
        guard let envelope = Envelope(line) else { return nil }
        do {
            let event = try LedgerEvent(kind: envelope.kind, fields: envelope.fields, sequence: envelope.sequence)
            return JournalRecord(
                sequence: envelope.sequence, at: envelope.at, event: event, previous: envelope.previous, line: line)
        } catch var error as JournalRecordError {
            error.line = lineNumber
            throw error
        }
    }
}
