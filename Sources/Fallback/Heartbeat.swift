import DurableIO
import Foundation
import Packets

/// `<fallbackDir>/.heartbeat`: when the office last showed it was running. At start, a gap longer than the outage
/// threshold while documents waited is an outage of the office itself.
enum Heartbeat {
    static let fileName = ".heartbeat"

    static func read(_ directory: String) -> Date? {
        guard let bytes = try? Durable.readSmallFile(directory + "/" + fileName, limit: 256) else { return nil }
        return Timestamp.parse(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func write(_ directory: String, at date: Date) throws {
        if !FileSystem.exists(RawPath(directory)) { try Durable.makeDirectories(directory) }
        try Durable.writeFile(
            at: directory + "/" + fileName, bytes: Array((Timestamp.string(date) + "\n").utf8), replace: true)
    }
}
