import Foundation
import Ledger
import Packets
import TestSupport
import Testing

/// Every record kind: a line as the writers before the typed ledger wrote it (the bytes spelled out here) decodes to
/// its case, and the case appends exactly that line again.
@Suite struct LedgerEventTests {
    let directory = TemporaryDirectory()

    static let id = PacketID("20261124-030000-001-ABCDEFGHJK")!
    static let sender = AgencyCode("000.00.00.H53")!
    static let recipient = AgencyCode("000.00.01.H53")!
    static let other = AgencyCode("000.00.02.H53")!
    /// 2026-11-24 10:00 in Vietnam.
    static let now = Date(timeIntervalSince1970: 1_795_489_200)
    static let genesis = String(repeating: "0", count: 64)

    /// The whole line of the first record of a journal: `fields` are the record's own members, each followed by a comma.
    static func line(_ kind: String, _ fields: String) -> String {
        #"{"seq":1,"at":"2026-11-24T10:00:00.000+07:00","event":"\#(kind)",\#(fields)"prev":"\#(genesis)"}"#
    }

    static let packet = LedgerPacket(
        packetId: id, sender: sender, codeNumber: "12", codeNotation: "QĐ-UBND", issuedDate: "2026-11-24",
        typeName: "Công văn",
        subject: #"Về việc "thử""#, priority: "khan", secrecy: "mat", to: [recipient, other],
        files: ["a.pdf", "b.pdf"],
        packedAt: "2026-11-24T09:59:58.123+07:00", archive: "archive/2026/11/\(id).tar",
        sha256: String(repeating: "ab", count: 32),
        size: 20480)
    static let packetFields =
        #""packetId":"20261124-030000-001-ABCDEFGHJK","sender":"000.00.00.H53","codeNumber":"12","#
        + #""codeNotation":"QĐ-UBND","issuedDate":"2026-11-24","typeName":"Công văn","subject":"Về việc \"thử\"","priority":"khan","#
        + #""secrecy":"mat","to":["000.00.01.H53","000.00.02.H53"],"files":["a.pdf","b.pdf"],"#
        + #""packedAt":"2026-11-24T09:59:58.123+07:00","archive":"archive/2026/11/20261124-030000-001-ABCDEFGHJK.tar","#
        + #""sha256":"\#(String(repeating: "ab", count: 32))","size":20480,"#

    static let documents = JSONValue.array([
        .object([
            ("name", .string("a.pdf")), ("status", .string("signed")),
            ("signer", .string("Nguyễn Văn An")),
        ])
    ])

    /// Each case with the line today's writers give it (and lines older releases gave).
    static let cases: [(String, LedgerEvent)] = [
        (line("packed", packetFields), .packed(packet)),
        // The first release, for a packet it had no metadata of: no secrecy, packedAt, sha256 or size.
        (
            line(
                "packed",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","sender":"000.00.00.H53","codeNumber":"","codeNotation":"","#
                    + #""issuedDate":"","typeName":"","subject":"","priority":"thuong","to":[],"files":[],"archive":"archive/2026/11/x.tar","#
            ),
            .packed(
                LedgerPacket(
                    packetId: id, sender: sender, codeNumber: "", codeNotation: "", issuedDate: "", typeName: "",
                    subject: "",
                    priority: "thuong", secrecy: nil, to: [], files: [], packedAt: nil,
                    archive: "archive/2026/11/x.tar",
                    sha256: nil, size: nil))
        ),
        (line("received", packetFields + #""recipient":"000.00.01.H53","#), .received(packet, recipient: recipient)),
        (
            line(
                "delivered",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","#
                    + #""path":"agencies/000.00.01.H53/inbox/20261124-030000-001-ABCDEFGHJK","#),
            .delivered(packetId: id, recipient: recipient, path: "agencies/000.00.01.H53/inbox/\(id)")
        ),
        (
            line(
                "completed", #""packetId":"20261124-030000-001-ABCDEFGHJK","sent":"agencies/000.00.00.H53/sent/x 12","#),
            .completed(packetId: id, sent: "agencies/000.00.00.H53/sent/x 12")
        ),
        (
            line(
                "registered",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","year":2026,"series":"thuong","#
                    + #""number":7,"late":false,"documents":[{"name":"a.pdf","status":"signed","signer":"Nguyễn Văn An"}],"#
            ),
            .registered(
                LedgerRegistration(
                    packetId: id.rawValue, recipient: recipient, year: 2026, series: "thuong", number: 7, late: false,
                    documents: documents))
        ),
        (
            line(
                "registered",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","year":2026,"series":"mat","#
                    + #""number":1,"late":true,"documents":[],"medium":"paper","receivedAt":"2026-11-24T08:30:00.000+07:00","#
                    + #""receivedBy":"Trần Thị Bình","#),
            .registered(
                LedgerRegistration(
                    packetId: id.rawValue, recipient: recipient, year: 2026, series: "mat", number: 1, late: true,
                    documents: .array([]), medium: "paper", receivedAt: "2026-11-24T08:30:00.000+07:00",
                    receivedBy: "Trần Thị Bình"))
        ),
        (
            line(
                "registered",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","year":2026,"series":"thuong","#
                    + #""number":2,"late":false,"documents":[],"medium":"paper","receivedAt":"2026-11-24T08:30:00.000+07:00","#
            ),
            .registered(
                LedgerRegistration(
                    packetId: id.rawValue, recipient: recipient, year: 2026, series: "thuong", number: 2, late: false,
                    documents: .array([]), medium: "paper", receivedAt: "2026-11-24T08:30:00.000+07:00"))
        ),
        (
            line(
                "status",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","sender":"000.00.00.H53","recipient":"000.00.01.H53","#
                    + #""code":"01","late":false,"#),
            .status(
                packetId: id.rawValue, sender: sender, recipient: recipient, code: "01", late: false, reason: nil,
                arrivalNumber: nil)
        ),
        (
            line(
                "status",
                #""packetId":"","sender":"000.00.00.H53","recipient":"000.00.01.H53","code":"02","late":false,"#
                    + #""reason":"The packet is invalid.","#),
            .status(
                packetId: "", sender: sender, recipient: recipient, code: "02", late: false,
                reason: "The packet is invalid.",
                arrivalNumber: nil)
        ),
        (
            line(
                "status",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","sender":"000.00.00.H53","recipient":"000.00.01.H53","#
                    + #""code":"03","late":true,"arrivalNumber":7,"#),
            .status(
                packetId: id.rawValue, sender: sender, recipient: recipient, code: "03", late: true, reason: nil,
                arrivalNumber: 7)
        ),
        (
            line(
                "refused",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","reason":"signature-invalid","#
                    + #""message":"The signature does not verify.","#),
            .refused(
                packetId: id.rawValue, recipient: recipient, reason: "signature-invalid",
                message: "The signature does not verify.",
                file: nil)
        ),
        (
            line(
                "refused",
                #""packetId":"","recipient":"000.00.01.H53","reason":"invalid","message":"The packet is invalid.","#
                    + #""file":"agencies/000.00.01.H53/rejected/x.tar","#),
            .refused(
                packetId: "", recipient: recipient, reason: "invalid", message: "The packet is invalid.",
                file: "agencies/000.00.01.H53/rejected/x.tar")
        ),
        (
            line(
                "set-aside",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","reason":"already-received","#
                    + #""message":"The packet was received before.","file":"agencies/000.00.01.H53/rejected/x (2).tar","#
            ),
            .setAside(
                packetId: id.rawValue, recipient: recipient, reason: "already-received",
                message: "The packet was received before.",
                file: "agencies/000.00.01.H53/rejected/x (2).tar")
        ),
        (
            line(
                "verified",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","result":"valid","detail":"","via":"archive verify","#),
            .verified(packetId: id.rawValue, result: "valid", detail: "", via: "archive verify")
        ),
        (
            line(
                "rejected",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","agency":"000.00.00.H53","names":["a.pdf","a.json"],"#
                    + #""reason":"number-used","message":"The number is used.","#),
            .rejected(
                packetId: id, agency: sender, names: ["a.pdf", "a.json"], reason: "number-used",
                message: "The number is used.")
        ),
        (line("started", #""mode":"daemon","watch":"inotify","#), .started(mode: "daemon", watch: "inotify")),
        (line("stopped", ""), .stopped),
        (
            line(
                "accessed",
                #""user":"admin","role":"admin","packetId":"20261124-030000-001-ABCDEFGHJK","secrecy":"mat","#
                    + #""action":"download","via":"web","file":"a.pdf","#),
            .accessed(
                user: "admin", role: "admin", packetId: id.rawValue, secrecy: "mat", action: "download", via: "web",
                file: "a.pdf")
        ),
        (
            line(
                "accessed",
                #""user":"an","role":"archivist","packetId":"20261124-030000-001-ABCDEFGHJK","secrecy":"mat","#
                    + #""action":"view","via":"cli","#),
            .accessed(
                user: "an", role: "archivist", packetId: id.rawValue, secrecy: "mat", action: "view", via: "cli",
                file: nil)
        ),
        // Before the archive review: no `via`.
        (
            line(
                "accessed",
                #""user":"an","role":"archivist","packetId":"20261124-030000-001-ABCDEFGHJK","secrecy":"mat","#
                    + #""action":"download","file":"a.pdf","#),
            .accessed(
                user: "an", role: "archivist", packetId: id.rawValue, secrecy: "mat", action: "download", via: nil,
                file: "a.pdf")
        ),
        (
            line(
                "admin",
                #""action":"agency.rename","by":"root","reason":"Nghị quyết 202/2025/QH15","target":"000.00.03.H53","#
                    + #""details":{"name":"Ủy ban nhân dân xã Đông Hưng"},"#),
            .admin(
                action: "agency.rename", by: "root", reason: "Nghị quyết 202/2025/QH15", target: "000.00.03.H53",
                details: .object([("name", .string("Ủy ban nhân dân xã Đông Hưng"))]))
        ),
        (
            line("admin", #""action":"crl.install","by":"lienthong","reason":"monthly CRL","#),
            .admin(action: "crl.install", by: "lienthong", reason: "monthly CRL", target: nil, details: nil)
        ),
        (
            line(
                "redirected",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","from":"000.00.03.H53","to":"000.00.05.H33","#),
            .redirected(packetId: id, from: AgencyCode("000.00.03.H53")!, to: AgencyCode("000.00.05.H33")!)
        ),
        (
            line(
                "undelivered",
                #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.03.H53","reason":"gửi bản giấy","#
                    + #""by":"root","#),
            .undelivered(packetId: id, recipient: AgencyCode("000.00.03.H53")!, reason: "gửi bản giấy", by: "root")
        ),
        (
            line(
                "relocated",
                #""agency":"000.00.03.H53","folder":"inbox","packetId":"20261124-030000-001-ABCDEFGHJK","#
                    + #""from":"agencies/000.00.03.H53/inbox/20261124-030000-001-ABCDEFGHJK","#
                    + #""to":"agencies/000.00.03.H53/inbox/2026/11/20261124-030000-001-ABCDEFGHJK","#),
            .relocated(
                agency: AgencyCode("000.00.03.H53")!, folder: "inbox", packetId: id.rawValue,
                from: "agencies/000.00.03.H53/inbox/20261124-030000-001-ABCDEFGHJK",
                to: "agencies/000.00.03.H53/inbox/2026/11/20261124-030000-001-ABCDEFGHJK")
        ),
        (
            line(
                "relocated",
                #""agency":"000.00.03.H53","folder":"rejected","#
                    + #""from":"agencies/000.00.03.H53/rejected/x.pdf","to":"/mnt/old/000.00.03.H53/rejected/2026/11/x.pdf","#
            ),
            .relocated(
                agency: AgencyCode("000.00.03.H53")!, folder: "rejected", packetId: nil,
                from: "agencies/000.00.03.H53/rejected/x.pdf", to: "/mnt/old/000.00.03.H53/rejected/2026/11/x.pdf")
        ),
    ]

    @Test func everyKindIsCovered() {
        let kinds = Set(Self.cases.map(\.1.kind))
        #expect(
            kinds == [
                "packed", "received", "delivered", "completed", "registered", "status", "refused", "set-aside",
                "verified",
                "rejected", "started", "stopped", "accessed", "admin", "redirected", "undelivered", "relocated",
            ])
    }

    @Test(arguments: Self.cases.indices)
    func aLineDecodesToItsCaseAndTheCaseWritesTheSameLine(_ index: Int) throws {
        let (line, event) = Self.cases[index]
        let read = directory.file("read-\(index).jsonl")
        try (line + "\n").write(toFile: read, atomically: true, encoding: .utf8)
        let records = try Journal(path: read).records()
        #expect(records.count == 1)
        #expect(records.first?.event == event)
        #expect(records.first?.kind == event.kind)

        let written = directory.file("written-\(index).jsonl")
        let journal = try Journal(path: written, timeZone: Timestamp.vietnam, clock: { Self.now })
        try journal.append(event)
        let bytes = try String(contentsOfFile: written, encoding: .utf8)
        #expect(bytes == line + "\n")
    }

    /// Appends a record line with a correct `prev` after the journal's last record.
    func append(_ path: String, sequence: Int, kind: String, _ fields: String) throws {
        let previous = try #require(try Journal(path: path, repairing: false).lastRecord()).hash
        let line =
            #"{"seq":\#(sequence),"at":"2026-11-24T10:00:00.000+07:00","event":"\#(kind)",\#(fields)"prev":"\#(previous)"}"#
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
        try handle.close()
    }

    @Test func anUnknownKindIsAnErrorNamingItsLine() throws {
        let path = directory.file("unknown.jsonl")
        let journal = try Journal(path: path)
        try journal.append(.stopped)
        try append(path, sequence: 2, kind: "shipped", #""packetId":"x","#)
        let error = try #require(#expect(throws: JournalRecordError.self) { try Journal(path: path).records() })
        #expect(error.line == 2 && error.kind == "shipped" && error.field == nil, "\(error)")
        #expect(error.description.contains("journal line 2"))
        // The chain holds, but the journal does not verify, and no index is built past the line.
        #expect(throws: JournalRecordError.self) { try journal.verifyChain() }
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        let caught = try #require(#expect(throws: JournalRecordError.self) { try index.catchUp(with: journal) })
        #expect(caught.line == 2)
        // Nor is it cut off as a torn tail when the journal is opened.
        _ = try Journal(path: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("shipped"))
    }

    @Test func aMissingOrIllTypedFieldIsAnErrorNamingItsLineAndField() throws {
        let path = directory.file("missing.jsonl")
        let journal = try Journal(path: path)
        try journal.append([.stopped, .started(mode: "once", watch: "poll")])
        let index = try LedgerIndex(path: directory.file("index.sqlite"))
        try index.catchUp(with: journal)
        try append(
            path, sequence: 3, kind: "delivered",
            #""packetId":"20261124-030000-001-ABCDEFGHJK","recipient":"000.00.01.H53","#)
        let missing = try #require(#expect(throws: JournalRecordError.self) { try journal.records() })
        #expect(missing.line == 3 && missing.kind == "delivered" && missing.field == "path", "\(missing)")
        // The index resumes after line 2 and still names line 3.
        let resumed = try #require(#expect(throws: JournalRecordError.self) { try index.catchUp(with: journal) })
        #expect(resumed.line == 3 && resumed.field == "path", "\(resumed)")

        let typed = directory.file("typed.jsonl")
        try Journal(path: typed).append(.stopped)
        try append(
            typed, sequence: 2, kind: "registered",
            #""packetId":"p","recipient":"000.00.01.H53","year":2026,"series":"thuong","#
                + #""number":1,"late":"no","documents":[],"#)
        let illTyped = try #require(#expect(throws: JournalRecordError.self) { try Journal(path: typed).records() })
        #expect(illTyped.line == 2 && illTyped.kind == "registered" && illTyped.field == "late", "\(illTyped)")
    }

    @Test func decodingRefusesWhatNoWriterWrites() throws {
        #expect(throws: JournalRecordError.self) {
            try LedgerEvent(kind: "stopped", fields: [("reason", .string("x"))])
        }
        #expect(throws: JournalRecordError.self) {
            try LedgerEvent(
                kind: "completed", fields: [("packetId", .string("not-a-packet-id")), ("sent", .string("x"))])
        }
        #expect(throws: JournalRecordError.self) {
            try LedgerEvent(
                kind: "delivered",
                fields: [
                    ("packetId", .string(Self.id.rawValue)), ("recipient", .string("000.00.01.h53")),
                    ("path", .string("")),
                ])
        }
        #expect(throws: JournalRecordError.self) {
            try LedgerEvent(
                kind: "status",
                fields: [
                    ("packetId", .string("")), ("sender", .string("000.00.00.H53")),
                    ("recipient", .string("000.00.01.H53")), ("code", .string("03")),
                    ("late", .bool(false)), ("arrivalNumber", .number("07")),
                ])
        }
    }
}
