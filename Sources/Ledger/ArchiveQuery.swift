import Foundation
import Packets

/// A search of the archive catalog: words and "quoted phrases" (case-, accent- and đ-insensitive) and filters.
public struct ArchiveQuery: Sendable, Equatable {
    /// Words and phrases, all of which must match (empty: every packet the filters allow).
    public var text: String
    /// An agency code, or words of the sender's name.
    public var sender: String?
    /// A recipient: an agency code, or words of its name.
    public var recipient: String?
    /// The document type (`Quyết định`, `quyet dinh` …).
    public var typeName: String?
    /// Issue dates, inclusive.
    public var issuedFrom: CalendarDate?
    public var issuedTo: CalendarDate?
    /// `thuong`, `khan`, `thuong-khan`, `hoa-toc`, `hoa-toc-hen-gio`.
    public var priority: String?
    /// `mat`, `toi-mat`, `tuyet-mat`, or `none` for documents without a secrecy level.
    public var secrecy: String?
    /// A number and notation, or a part of it (`125/QĐ-UBND`, `125`).
    public var number: String?
    /// Who asks: only packets these agencies sent or received (a clerk's agency, and the agencies it succeeded);
    /// nil for every agency.
    public var agencyScope: [String]?
    /// The secrecy levels the asker may see; nil for all.
    public var allowedSecrecy: Set<String>?
    public var limit: Int
    public var offset: Int

    public init(
        text: String = "", sender: String? = nil, recipient: String? = nil, typeName: String? = nil,
        issuedFrom: CalendarDate? = nil, issuedTo: CalendarDate? = nil, priority: String? = nil, secrecy: String? = nil,
        number: String? = nil, agencyScope: [String]? = nil, allowedSecrecy: Set<String>? = nil, limit: Int = 50,
        offset: Int = 0
    ) {
        self.text = text
        self.sender = sender
        self.recipient = recipient
        self.typeName = typeName
        self.issuedFrom = issuedFrom
        self.issuedTo = issuedTo
        self.priority = priority
        self.secrecy = secrecy
        self.number = number
        self.agencyScope = agencyScope
        self.allowedSecrecy = allowedSecrecy
        self.limit = limit
        self.offset = offset
    }

    /// The FTS5 query for `text`: each word or quoted phrase, folded, as an FTS5 phrase (so no user input is read as
    /// FTS5 syntax); nil when there is nothing to match.
    public var ftsQuery: String? {
        var terms: [String] = []
        var current = ""
        var quoted = false
        func flush() {
            let tokens = VietnameseFolding.fold(current).split { !$0.isLetter && !$0.isNumber }.map(String.init)
            if !tokens.isEmpty { terms.append("\"" + tokens.joined(separator: " ") + "\"") }
            current = ""
        }
        for character in text {
            if character == "\"" {
                flush()
                quoted.toggle()
            } else if character.isWhitespace, !quoted {
                flush()
            } else {
                current.append(character)
            }
        }
        flush()
        return terms.isEmpty ? nil : terms.joined(separator: " AND ")
    }
}

/// One packet found.
public struct ArchiveHit: Sendable, Equatable, Codable {
    public let packetId: String
    public let sender: String
    public let senderName: String
    public let recipients: [String]
    public let numberAndNotation: String
    public let issuedDate: String
    public let typeName: String
    public let subject: String
    public let signer: String
    public let priority: String
    public let secrecy: String?
    public let packedAt: String
}

/// What a search found: how many in all, and the page asked for.
public struct ArchiveResults: Sendable, Codable {
    public let total: Int
    public let hits: [ArchiveHit]
}
