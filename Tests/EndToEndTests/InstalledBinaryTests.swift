import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 10: the program carries its templates. The built binary alone, copied into an empty folder with no
/// `Templates/` anywhere above it and `LIENTHONG_TEMPLATES` unset, run from that folder, serves the login page,
/// prints an HTML register and, in an outage, writes the incident report and the printable hand-over log
/// (Decision 17/2019 Art 8.1). An office's own copy of one template is what is rendered; a broken one stops the
/// office at start, naming the file, line and column.
@Suite struct InstalledBinaryTests {
    static let recipient = "000.00.01.H53"

    /// The binary copied alone into an empty folder, and a runner that starts it from there without template
    /// settings.
    struct Installed {
        let directory: TemporaryDirectory
        let binary: String

        init() throws {
            directory = TemporaryDirectory("lienthong-installed")
            let bin = directory.file("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            binary = bin + "/lienthong"
            // Copied by cp, not in this process: a program another test spawns meanwhile would inherit our open
            // file and make the copy unexecutable ("text file busy") until it exits.
            let copied = try ProcessRunner.run("cp", [Project.lienthong, binary])
            guard copied.status == 0 else { throw ProcessError.failed("cp", copied) }
        }

        func run(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run(binary, arguments, directory: directory.file("bin"), unset: ["LIENTHONG_TEMPLATES"])
        }

        func start(_ arguments: [String], log: String) throws -> BackgroundProcess {
            try BackgroundProcess(
                binary, arguments, logPath: directory.file(log), directory: directory.file("bin"),
                unset: ["LIENTHONG_TEMPLATES"])
        }
    }

    /// A demo spool next to the copied binary, 24/7 calendar, 3-second outage threshold, made by that binary.
    func spool(_ installed: Installed) throws -> OfficeSpool {
        let spool = try OfficeSpool(label: "installed-spool")
        try spool.writeOfficeYAML(mode: "inotify", settle: "200ms", sidecarWait: "3s", threshold: "3s")
        return spool
    }

    @Test func theCopiedBinaryRendersEveryPageWithoutTemplatesBesideIt() throws {
        let installed = try Installed()
        #expect(!FileManager.default.fileExists(atPath: installed.directory.file("Templates")))
        let spool = try spool(installed)
        // The recipient's inbox is a share that is not mounted: an outage.
        let share = spool.directory.file("mnt/inbox")
        let config = spool.root + "/agencies/\(Self.recipient)/agency.yaml"
        try (try String(contentsOfFile: config, encoding: .utf8) + "inbox: \(share)\n").write(
            toFile: config, atomically: true, encoding: .utf8)

        let daemon = try installed.start(["watch", "--spool", spool.root], log: "watch.log")
        defer {
            daemon.send(SIGTERM)
            _ = daemon.wait(timeout: 20)
        }
        try spool.drop("mất mạng", number: "1", to: [Self.recipient, "000.00.02.H53"])
        let fallback = spool.root + "/fallback"
        let handover = fallback + "/Sổ chuyển giao văn bản giấy.html"
        #expect(
            spool.waitUntil(30) {
                FileManager.default.fileExists(atPath: handover)
                    && ((try? FileManager.default.contentsOfDirectory(atPath: fallback)) ?? []).contains {
                        $0.hasPrefix("Biên bản sự cố ")
                    }
            }, "\(daemon.log)")
        #expect(!daemon.log.contains("template unavailable"), "\(daemon.log)")
        let log = try String(contentsOfFile: handover, encoding: .utf8)
        #expect(log.contains("<h1>Sổ chuyển giao văn bản giấy</h1>") && log.contains("1/QĐ-UBND"), "\(log)")
        let reportName = try #require(
            try FileManager.default.contentsOfDirectory(atPath: fallback).first { $0.hasPrefix("Biên bản sự cố ") })
        let report = try String(contentsOfFile: fallback + "/" + reportName, encoding: .utf8)
        #expect(report.contains("<h1>Biên bản sự cố kỹ thuật</h1>") && report.contains(Self.recipient), "\(report)")

        // The register of what the other recipient received, as a printable page.
        #expect(spool.waitUntil(20) { !spool.visible(spool.inbox("000.00.02.H53")).isEmpty })
        let register = try installed.run([
            "register", "incoming", "--agency", "000.00.02.H53", "--format", "html", "--spool", spool.root,
        ])
        #expect(
            register.status == 0 && register.stdout.contains("<table") && register.stdout.contains("1/QĐ-UBND"),
            "\(register.output)")

        // The web UI's login page.
        let port = try WebBrowserTests.freePort()
        let server = try installed.start(
            ["serve", "--spool", spool.root, "--listen", "127.0.0.1:\(port)"], log: "serve.log")
        defer {
            server.send(SIGTERM)
            _ = server.wait(timeout: 10)
        }
        try WebBrowserTests.waitUntilListening(port)
        let page = try Self.get("http://127.0.0.1:\(port)/login")
        #expect(page.contains("<h1>Đăng nhập</h1>") && page.contains("<link"), "\(page)\n--- server\n\(server.log)")
        let style = try Self.get("http://127.0.0.1:\(port)/giao-dien.css")
        let shipped = try String(contentsOfFile: Project.file("Templates/web/style.css"), encoding: .utf8)
        #expect(style == shipped, "the built-in stylesheet is the repository's Templates/web/style.css")
    }

    @Test func anOfficesOwnTemplateIsRenderedAndABrokenOneStopsTheOffice() throws {
        let installed = try Installed()
        let spool = try spool(installed)
        try spool.drop("thường", number: "2", to: [Self.recipient])
        #expect(try installed.run(["watch", "--spool", spool.root, "--once"]).status == 0)

        // `templates export` writes the defaults byte for byte; the office keeps the one it changes.
        let exported = spool.directory.file("exported")
        let export = try installed.run(["templates", "export", exported])
        #expect(export.status == 0, "\(export.output)")
        for name in [
            "register-outgoing.html.mustache", "web/layout.html.mustache", "packet-metadata.schema.json",
            "web/style.css",
        ] {
            #expect(
                FileManager.default.contents(atPath: exported + "/" + name)
                    == FileManager.default.contents(atPath: Project.file("Templates/" + name)),
                "\(name)")
        }
        let again = try installed.run(["templates", "export", exported])
        #expect(
            again.status == 1 && again.stderr.contains("--force"),
            "an office's edited copies are never overwritten: \(again.output)")

        let own = spool.root + "/templates/register-outgoing.html.mustache"
        try FileManager.default.createDirectory(atPath: spool.root + "/templates", withIntermediateDirectories: true)
        let text = try String(contentsOfFile: exported + "/register-outgoing.html.mustache", encoding: .utf8)
        try text.replacingOccurrences(of: "<h1>{{title}}</h1>", with: "<h1>ỦY BAN NHÂN DÂN — {{title}}</h1>")
            .write(toFile: own, atomically: true, encoding: .utf8)
        let register = try installed.run([
            "register", "outgoing", "--agency", OfficeSpool.sender, "--format", "html", "--spool", spool.root,
        ])
        #expect(
            register.status == 0 && register.stdout.contains("<h1>ỦY BAN NHÂN DÂN — Sổ đăng ký văn bản đi</h1>"),
            "\(register.output)")
        let check = try installed.run(["templates", "check", "--spool", spool.root])
        #expect(check.status == 0 && check.stdout.contains("ok        \(own)"), "\(check.output)")

        // A broken override: line 3, column 1 opens a section that is never closed.
        let broken = spool.root + "/templates/incident-report.html.mustache"
        try "<!doctype html>\n<h1>Biên bản</h1>\n{{#incident}}\n<p>{{id}}</p>\n".write(
            toFile: broken, atomically: true, encoding: .utf8)
        let checked = try installed.run(["templates", "check", "--spool", spool.root])
        #expect(checked.status == 1 && checked.stdout.contains(broken + ":"), "\(checked.output)")
        let watch = try installed.run(["watch", "--spool", spool.root, "--once"])
        #expect(watch.status == 2, "\(watch.output)")
        let location = try #require(watch.stderr.range(of: broken + ":"), "\(watch.output)")
        let rest = watch.stderr[location.upperBound...].prefix { $0 != " " }
        let numbers = rest.split(separator: ":").prefix(2).compactMap { Int($0) }
        #expect(numbers.count == 2 && numbers[0] >= 3, "file:line:column in \(watch.stderr)")
        let daemon = try installed.start(["watch", "--spool", spool.root], log: "broken.log")
        #expect(daemon.wait(timeout: 20) == 2, "the daemon refuses to start: \(daemon.log)")
        #expect(daemon.log.contains(broken + ":"), "\(daemon.log)")
        let serve = try installed.run([
            "serve", "--spool", spool.root, "--listen", "127.0.0.1:\(try WebBrowserTests.freePort())",
        ])
        #expect(serve.status == 2 && serve.stderr.contains(broken + ":"), "\(serve.output)")
        let refused = try installed.run(["register", "outgoing", "--agency", OfficeSpool.sender, "--spool", spool.root])
        #expect(refused.status == 2 && refused.stderr.contains(broken + ":"), "\(refused.output)")
    }

    /// The body of `url` (a plain GET, as a browser's first request).
    static func get(_ url: String) throws -> String {
        let script =
            "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=20).read().decode('utf-8'))"
        let result = try ProcessRunner.run("python3", ["-c", script, url], timeout: 60)
        guard result.status == 0 else { throw ProcessError.failed("GET \(url)", result) }
        return result.stdout
    }
}
