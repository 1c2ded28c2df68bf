import Foundation
import Packets
import Testing

@Suite struct PacketIDTests {
    @Test func isSortableByTimeAndSafeAsAFileName() throws {
        let early = PacketID.make(at: Date(timeIntervalSince1970: 1_795_000_000.123))
        let later = PacketID.make(at: Date(timeIntervalSince1970: 1_795_000_001))
        #expect(early < later)
        #expect(early.rawValue.hasPrefix("20261118-"))
        #expect(early.rawValue.count == 30)
        #expect(early.rawValue.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        #expect(PacketID(early.rawValue) == early)
        #expect(PacketID("../../etc/passwd") == nil)
    }

    @Test func isStrictlyIncreasingWithinOneMillisecond() {
        let instant = Date(timeIntervalSince1970: 1_900_000_000)
        let generator = PacketIDGenerator()  // its own, so other tests making ids meanwhile do not interleave
        let ids = (0..<1000).map { _ in generator.make(at: instant) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }
}
