import Foundation
import TestSupport
import Testing

/// A mistyped subcommand is answered with the nearest one, Vietnamese first, exit 2 (issue 13: `archive serach x`
/// said "2 unexpected arguments").
@Suite struct CommandSuggestionTests {
    @Test(arguments: [
        (
            ["archive", "serach", "x"], "Có phải ý bạn là «lienthong archive search»?",
            "Did you mean 'lienthong archive search'?"
        ),
        (["achrive", "search"], "Có phải ý bạn là «lienthong archive»?", "Did you mean 'lienthong archive'?"),
        (
            ["fallback", "stauts"], "Có phải ý bạn là «lienthong fallback status»?",
            "Did you mean 'lienthong fallback status'?"
        ),
        (
            ["xyzzy"], "Không có lệnh «xyzzy» trong «lienthong» (các lệnh: init, agencies,",
            "'lienthong xyzzy': no such command"
        ),
    ])
    func aMistypedCommandIsAnsweredWithTheNearestOne(_ arguments: [String], _ vietnamese: String, _ english: String)
        throws
    {
        let result = try CLI.lienthong(arguments)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.hasPrefix("Không có lệnh"), "Vietnamese first: \(result.stderr)")
        #expect(result.stderr.contains(vietnamese) && result.stderr.contains(english), "\(result.stderr)")
    }

    @Test func aCorrectCommandWithABadOptionKeepsItsOwnMessage() throws {
        let result = try CLI.lienthong(["archive", "search", "--bogus"])
        #expect(result.status == 2, "\(result.output)")
        #expect(!result.stderr.contains("Không có lệnh") && result.stderr.contains("--bogus"), "\(result.stderr)")
    }
}
