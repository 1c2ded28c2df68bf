import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A demo spool for end-to-end tests of `lienthong watch`, with quick settings.
final class OfficeSpool: @unchecked Sendable {
    // Sendable: only immutable paths; the files it touches are the test's own.
    let directory: TemporaryDirectory
    let root: String
    static let sender = "000.00.00.H53"
    static let recipients = ["000.00.01.H53", "000.00.02.H53"]

    /// `root`: the spool's folder when it must be somewhere else (a file system of its own); by default inside
    /// the test's temporary folder, which holds the daemon's log either way.
    init(
        mode: String = "inotify", settle: String = "200ms", sidecarWait: String = "3s", incompleteWait: String? = nil,
        label: String = "office", root spoolRoot: String? = nil
    ) throws {
        directory = TemporaryDirectory("lienthong-\(label)")
        root = spoolRoot ?? directory.file("Spool")
        let initialised = try CLI.lienthong(["init", "--spool", root, "--demo"])
        guard initialised.status == 0 else {
            throw ProcessError.spawn("init: \(initialised.output)", initialised.status)
        }
        try writeOfficeYAML(mode: mode, settle: settle, sidecarWait: sidecarWait, incompleteWait: incompleteWait)
    }

    /// A spool made already (by the test, at another time) at `root`, inside `directory`.
    init(existing root: String, directory: TemporaryDirectory) {
        self.directory = directory
        self.root = root
    }

    func writeOfficeYAML(
        mode: String, settle: String, sidecarWait: String, incompleteWait: String? = nil, format: String = "tar",
        threshold: String = "4h"
    ) throws {
        let incomplete = incompleteWait.map { ", incompleteWait: \($0)" } ?? ""
        try """
        watch: { mode: \(mode), pollInterval: 100ms, settle: \(settle), rescanInterval: 2s, sidecarWait: \(sidecarWait)\(incomplete) }
        calendar:
          timeZone: Asia/Ho_Chi_Minh
          workingDays: [mon, tue, wed, thu, fri, sat, sun]
          workingHours: ["00:00-24:00"]
        outage: { threshold: \(threshold), fallbackDir: fallback, retry: { initial: 200ms, max: 1s } }
        archive: { format: \(format) }
        """.write(toFile: root + "/office.yaml", atomically: true, encoding: .utf8)
    }

    func outbox(_ code: String = sender) -> String { root + "/agencies/\(code)/outbox" }
    func inbox(_ code: String) -> String { root + "/agencies/\(code)/inbox" }
    func rejected(_ code: String = sender) -> String { root + "/agencies/\(code)/rejected" }
    func sent(_ code: String = sender) -> String { root + "/agencies/\(code)/sent" }

    /// A small PDF-looking document (ends with %%EOF, so it is not held back as incomplete).
    static func pdf(_ text: String, size: Int = 2000) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n% \(text)\n".utf8)
        while bytes.count < size - 7 { bytes += Array("0123456789abcdef\n".utf8) }
        return bytes + Array("\n%%EOF\n".utf8)
    }

    /// Drops `name.pdf` then `name.json` into the sender's outbox.
    @discardableResult
    func drop(
        _ name: String, number: String, from code: String = sender, to: [String] = recipients,
        priority: String = "thuong",
        document: [UInt8]? = nil
    ) throws -> [UInt8] {
        let content = document ?? Self.pdf(name)
        try Data(content).write(to: URL(fileURLWithPath: outbox(code) + "/\(name).pdf"))
        try Fixtures.sidecar(to: to, number: number, subject: "Văn bản \(name)", priority: priority)
            .write(toFile: outbox(code) + "/\(name).json", atomically: false, encoding: .utf8)
        return content
    }

    func once() throws -> ProcessResult { try CLI.lienthong(["watch", "--spool", root, "--once"]) }

    func start(log: String = "daemon.log") throws -> BackgroundProcess {
        try BackgroundProcess(Project.lienthong, ["watch", "--spool", root], logPath: directory.file(log))
    }

    /// Names in a folder that a clerk would see (hidden work folders aside).
    func visible(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Every archived packet's metadata.json (from the archive sidecars), by packet id.
    func archived() -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        let archive = root + "/archive"
        guard let enumerator = FileManager.default.enumerator(atPath: archive) else { return [:] }
        for case let relative as String in enumerator where relative.hasSuffix(".json") && !relative.contains("/.") {
            guard let data = FileManager.default.contents(atPath: archive + "/" + relative),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let id = json["packetId"] as? String
            else { continue }
            result[id] = json
        }
        return result
    }

    /// Waits until `condition` holds, up to `timeout` seconds.
    @discardableResult
    func waitUntil(_ timeout: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    func verifyJournal() throws -> ProcessResult { try CLI.lienthong(["journal", "verify", "--spool", root]) }

    /// The journal's records, parsed: its sealed monthly segments (`state/journal/`, by name), then the active file.
    func journal() -> [[String: Any]] {
        let folder = root + "/state/journal"
        let segments = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
        return (segments + [root + "/state/journal.jsonl"]).flatMap { path -> [[String: Any]] in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }
}
