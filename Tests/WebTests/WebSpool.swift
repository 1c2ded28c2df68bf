import Accounts
import Foundation
import Spool
import TestSupport
import Web

/// A demo spool with three archived packets (one secret) and four accounts, made with the built `lienthong` as a
/// clerk would: `init --demo`, documents dropped into outboxes, `watch --once`.
final class WebSpool: @unchecked Sendable {
    // Sendable: immutable after init; the files it touches are this test's own.
    let directory: TemporaryDirectory
    let root: String
    static let password = "mat-khau-dung-1"
    /// The bytes of the province's Quyết định 125.
    let decisionBytes: [UInt8] =
        Array("%PDF-1.7\n% Quyết định 125 — nội dung\n".utf8) + Array(repeating: 0x41, count: 3000)
        + Array("\n%%EOF\n".utf8)

    init() throws {
        directory = TemporaryDirectory("lienthong-web")
        root = directory.file("Spool")
        try Self.run(["init", "--spool", root, "--demo"])
        try """
        watch: { mode: poll, pollInterval: 100ms, settle: 100ms, rescanInterval: 2s, sidecarWait: 3s }
        calendar: { timeZone: Asia/Ho_Chi_Minh, workingDays: [mon, tue, wed, thu, fri, sat, sun], workingHours: ["00:00-24:00"] }
        archive: { format: tar }
        """.write(toFile: root + "/office.yaml", atomically: true, encoding: .utf8)
        try drop(
            "Quyết định 125", from: "000.00.00.H53", to: ["000.00.01.H53", "000.00.02.H53"], number: "125",
            type: "Quyết định",
            subject: "Về việc ban hành quy chế quản lý văn bản điện tử", bytes: decisionBytes)
        try drop(
            "Công văn 12", from: "000.00.03.H53", to: ["000.00.00.H53"], number: "12", type: "Công văn",
            subject: "Về việc báo cáo tình hình thu hoạch lúa", bytes: Array("%PDF-1.7\n% cv\n%%EOF\n".utf8))
        try drop(
            "Kế hoạch 7", from: "000.00.00.H53", to: ["000.00.01.H53"], number: "7", type: "Kế hoạch",
            subject: "Về việc bảo vệ bí mật nhà nước", bytes: Array("%PDF-1.7\n% mat\n%%EOF\n".utf8), secrecy: "mat")
        try Self.run(["watch", "--spool", root, "--once"])
    }

    private func drop(
        _ name: String, from: String, to: [String], number: String, type: String, subject: String, bytes: [UInt8],
        secrecy: String? = nil
    ) throws {
        let outbox = root + "/agencies/\(from)/outbox/"
        try Data(bytes).write(to: URL(fileURLWithPath: outbox + name + ".pdf"))
        let secret = secrecy.map { ", \"secrecy\": \"\($0)\"" } ?? ""
        try """
        { "codeNumber": "\(number)", "codeNotation": "UBND", "issuedDate": "\(Fixtures.localDate(0))", "typeName": "\(type)",
          "subject": "\(subject)", "signerInfo": { "competence": "TM.", "position": "Chủ tịch", "fullName": "Nguyễn Văn A" },
          "to": [\(to.map { "\"\($0)\"" }.joined(separator: ", "))]\(secret) }
        """.write(toFile: outbox + name + ".json", atomically: false, encoding: .utf8)
    }

    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        let result = try ProcessRunner.run(Project.lienthong, arguments, stdin: stdin)
        guard result.status == 0 else {
            throw ProcessError.failed("lienthong \(arguments.joined(separator: " "))", result)
        }
        return result
    }

    var layout: SpoolLayout { SpoolLayout.resolve(root) }

    /// The web services with the test accounts (bcrypt cost 4: the tests are not about the hash's slowness).
    func services() throws -> WebServices {
        let accounts = try AccountStore(path: WebSettings.accountsPath(layout), cost: 4)
        try accounts.add(name: "vanthu02", role: .clerk, agency: "000.00.02.H53", grants: [], password: Self.password)
        try accounts.add(name: "luutru", role: .archivist, agency: nil, grants: [], password: Self.password)
        try accounts.add(name: "luutrumat", role: .archivist, agency: nil, grants: [.mat], password: Self.password)
        try accounts.add(name: "quantri", role: .admin, agency: nil, grants: [], password: Self.password)
        return try WebServices(settings: WebSettings(spool: layout), accounts: accounts)
    }

    /// The journal's lines.
    var journal: [String] {
        ((try? String(contentsOfFile: root + "/state/journal.jsonl", encoding: .utf8)) ?? "").split(separator: "\n")
            .map(String.init)
    }
}

extension WebSpool {
    /// The id of the archived packet numbered `number`, from the archive's sidecars.
    func packetId(number: String) -> String? {
        guard let enumerator = FileManager.default.enumerator(atPath: root + "/archive") else { return nil }
        for case let relative as String in enumerator where relative.hasSuffix(".json") && !relative.contains("/.") {
            guard let data = FileManager.default.contents(atPath: root + "/archive/" + relative),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                json["codeNumber"] as? String == number
            else { continue }
            return json["packetId"] as? String
        }
        return nil
    }
}
