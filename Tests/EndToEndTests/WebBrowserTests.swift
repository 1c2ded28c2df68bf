import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The archive web UI in a real browser: the built `lienthong serve` on a test spool, driven by headless Chromium
/// through selenium (Tests/Tools/web_browser_test.py). Skipped only when chromium, chromedriver or selenium is
/// missing on this machine; .ci/run installs them.
@Suite("Web UI in headless Chromium")
struct WebBrowserTests {
    static let toolsPresent: Bool = {
        let browser = ["chromium", "chromium-browser", "google-chrome"].contains { ProcessRunner.which($0) != nil }
        let driver = ProcessRunner.which("chromedriver") != nil
        let selenium = (try? ProcessRunner.run("python3", ["-c", "import selenium"]).status) == 0
        return browser && driver && selenium
    }()

    @Test("Log in, search without accents, open the packet, download a file", .enabled(if: toolsPresent))
    func browse() throws {
        let spool = try OfficeSpool(label: "web")
        let document = try spool.drop("Quyết định 125", number: "125")
        #expect(try spool.once().status == 0)
        let added = try CLI.lienthong(
            ["user", "add", "luutru", "--role", "archivist", "--spool", spool.root], stdin: "mat-khau-dung-1\n")
        try #require(added.status == 0, "\(added.output)")
        #expect(!added.stdout.contains("mat-khau-dung-1"))

        let port = try Self.freePort()
        let server = try BackgroundProcess(
            Project.lienthong, ["serve", "--spool", spool.root, "--listen", "127.0.0.1:\(port)"],
            logPath: spool.directory.file("serve.log"))
        defer {
            server.send(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        try Self.waitUntilListening(port)
        let downloads = spool.directory.file("downloads")
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        let expected = try spool.directory.write("expected.pdf", document)
        // Kept with the test output (not in the temporary folder): the pages as a 1024 and a 1280 px screen shows them.
        let screenshots = Project.file(".build/test-output/screenshots")
        let result = try ProcessRunner.run(
            "python3",
            [
                Project.file("Tests/Tools/web_browser_test.py"), "http://127.0.0.1:\(port)",
                "luutru", "mat-khau-dung-1", downloads, "Quyết định 125.pdf", expected, screenshots,
            ], timeout: 300,
            unset: ProcessRunner.fakedClock)
        #expect(result.status == 0, "\(result.output)\n--- server\n\(server.log)")
        server.send(SIGTERM)
        #expect(server.wait(timeout: 10) == 0, "serve should stop cleanly on SIGTERM")
    }

    /// A port nobody listens on (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ProcessError.notFound("a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits (up to 20 s) until something accepts connections on `port`.
    static func waitUntilListening(_ port: Int) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return }
            usleep(100_000)
        }
        throw ProcessError.notFound("lienthong serve on port \(port)")
    }
}
