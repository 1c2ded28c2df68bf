import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What an admin reads when a command cannot do its work: Vietnamese first, then English, then what to do (issue 13).
@Suite struct AdminMessagesTests {
    /// `serve` on a port another program holds (it printed NIO's `bind(descriptor:ptr:bytes:): Address already in use
    /// (errno: 98)`).
    @Test func aPortInUseIsExplained() throws {
        let office = try OfficeSpool(label: "serve-port")
        // Hold a port: bound and listening, as another server would.
        let held = try HeldPort()
        defer { withExtendedLifetime(held) {} }  // held until the test ends
        let port = held.port

        let result = try CLI.lienthong(["serve", "--spool", office.root, "--listen", "127.0.0.1:\(port)"])
        #expect(result.status == 1, "\(result.output)")
        #expect(
            result.stderr.hasPrefix("Không mở được 127.0.0.1:\(port): cổng này đang được một chương trình khác dùng"),
            "\(result.stderr)")
        #expect(result.stderr.contains("the port is in use by another program"), "\(result.stderr)")
        #expect(!result.stderr.contains("errno"), "\(result.stderr)")
    }

    /// `user add` with nothing on standard input (it answered in English only).
    @Test func aMissingPasswordIsExplainedInVietnameseFirst() throws {
        let office = try OfficeSpool(label: "user-password")
        let result = try CLI.lienthong(
            ["user", "add", "luutru", "--role", "archivist", "--spool", office.root], stdin: "")
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.hasPrefix("Chưa có mật khẩu: ghi mật khẩu ở dòng đầu"), "\(result.stderr)")
        #expect(result.stderr.contains("No password on standard input"), "\(result.stderr)")
    }
}
