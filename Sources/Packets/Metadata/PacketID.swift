import Foundation
import Synchronization

/// A packet's identifier: unique, sortable by time, and safe as a file name on Linux and Windows.
///
/// Form: `YYYYMMDD-HHMMSS-mmm-XXXXXXXXXX` — the UTC instant to the millisecond, then ten characters of Crockford
/// base 32 (49 random bits). Identifiers made by one process within the same millisecond count up from the first,
/// so they stay strictly increasing; across milliseconds they sort by time.
public struct PacketID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The identifier's text.
    public let rawValue: String

    /// Accepts an identifier of exactly the form above.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 30 else { return nil }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 15, 19: guard byte == UInt8(ascii: "-") else { return nil }
            case 0..<19: guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            default: guard PacketID.alphabet.contains(byte) else { return nil }
            }
        }
        rawValue = text
    }

    private init(raw: String) { rawValue = raw }

    public var description: String { rawValue }

    public static func < (lhs: PacketID, rhs: PacketID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = PacketID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a packet id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Crockford's base 32: no I, L, O or U, so an identifier read aloud or retyped stays unambiguous.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The generator `make(at:)` uses: one per process.
    public static let generator = PacketIDGenerator()

    /// A new identifier for a packet made at `date`.
    public static func make(at date: Date = Date()) -> PacketID {
        generator.make(at: date)
    }

    /// The identifier for `millisecond` and `random` (50 bits).
    static func format(millisecond: Int64, random: UInt64) -> PacketID {
        let utc = CivilTime(secondsSinceEpoch: Timestamp.floorDivide(millisecond, 1000))
        let stamp =
            Timestamp.pad(utc.year, 4) + Timestamp.pad(utc.month, 2) + Timestamp.pad(utc.day, 2) + "-"
            + Timestamp.pad(utc.hour, 2) + Timestamp.pad(utc.minute, 2) + Timestamp.pad(utc.second, 2) + "-"
            + Timestamp.pad(Int(millisecond - Timestamp.floorDivide(millisecond, 1000) * 1000), 3)
        var suffix: [UInt8] = []
        for shift in stride(from: 45, through: 0, by: -5) {
            suffix.append(alphabet[Int((random >> UInt64(shift)) & 31)])
        }
        return PacketID(raw: stamp + "-" + String(decoding: suffix, as: UTF8.self))
    }
}

/// Makes packet identifiers that are strictly increasing within one millisecond: the random part of the first is
/// drawn, the next ones count up from it.
public final class PacketIDGenerator: Sendable {
    private let last = Mutex<(millisecond: Int64, random: UInt64)>((0, 0))

    public init() {}

    /// A new identifier for a packet made at `date`.
    public func make(at date: Date = Date()) -> PacketID {
        let wanted = Timestamp.milliseconds(date)
        let (millisecond, random) = last.withLock { state -> (Int64, UInt64) in
            let mask: UInt64 = (1 << 50) - 1
            if wanted == state.millisecond {
                // Same millisecond: count up from the previous identifier to stay strictly increasing.
                state.random = (state.random + 1) & mask
            } else {
                state = (wanted, UInt64.random(in: 0...mask) >> 1)  // top bit clear leaves room to count up
            }
            return state
        }
        return PacketID.format(millisecond: millisecond, random: random)
    }
}
