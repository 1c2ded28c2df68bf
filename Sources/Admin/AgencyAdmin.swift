import DurableIO
import Foundation
import Packets
import Signing
import Spool
import Yams

/// `lienthong agency add|rename|merge|retire`: the plans that change which agencies the office serves, and under what
/// names and codes (Resolution 202/2025/QH15 and 203/2025/QH15; Circular 06/2025/TT-BNV: the records of a merged or
/// dissolved agency go to its successor). Each is checked against the spool as it is, before anything changes.
public struct AgencyAdmin {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    var spool: SpoolLayout { session.spool }

    /// The certificate (and key) a new agency comes with.
    public enum Credentials: Sendable {
        /// A certificate the CA issued, and the key when this office signs for the agency.
        case given(certificate: String, key: String?, passphraseFile: String?)
        /// A new key made here, with a CSR for the CA; the certificate comes later (`cert rotate`).
        case newKey
    }

    /// `agency add CODE --name …`.
    public func add(_ code: AgencyCode, name: String, credentials: Credentials, inbox: String?) throws -> AdminPlan {
        let directory = try session.directory()
        let name = try Self.checkedName(name)
        try refuseTaken(code, directory)
        let (changes, details, _) = try addChanges(code, name: name, credentials: credentials, inbox: inbox)
        return AdminPlan(
            action: "agency.add", target: code.rawValue, details: .object(details), changes: changes,
            summary: ["Thêm cơ quan — add agency \(code) \(name)"])
    }

    /// `agency rename CODE --name … [--code NEW]`.
    public func rename(_ code: AgencyCode, name newName: String?, code newCode: AgencyCode?) throws -> AdminPlan {
        let directory = try session.directory()
        let agency = try existing(code, directory)
        let now = session.now()
        guard newName != nil || newCode != nil else {
            throw AdminRefusal(
                vi: "cần --name hoặc --code.", en: "give --name, --code or both.",
                advice: "lienthong agency rename \(code) --name \"Tên mới\" [--code NNN.NN.NN.Xnn]")
        }
        try refuseRetired(agency, at: now)
        let name = try newName.map(Self.checkedName) ?? agency.name
        if newCode == nil, name == agency.name {
            throw AdminRefusal(
                vi: "\(code) đã mang tên \"\(name)\".", en: "\(code) is already called \"\(name)\".")
        }
        var yaml = try AgencyYAML.load(code, in: spool)
        var details: [(String, JSONValue)] = [("name", .string(name)), ("formerName", .string(agency.name))]
        if name != agency.name {
            yaml["formerNames"] = AgencyYAML.list(
                yaml.items("formerNames") + [
                    AgencyYAML.mapping([
                        ("name", AgencyYAML.text(agency.name)), ("until", AgencyYAML.time(now, in: session.timeZone)),
                    ])
                ])
            yaml["name"] = AgencyYAML.text(name)
        }
        guard let newCode else {
            let change = try agencyFile(code, yaml, what: "name \(name); the former name kept in formerNames")
            return AdminPlan(
                action: "agency.rename", target: code.rawValue, details: .object(details), changes: [change],
                summary: ["Đổi tên — rename \(code): \"\(agency.name)\" → \"\(name)\""])
        }
        // A new code: the agency goes on under it (its own folders, the same key and certificates), and the old code
        // retires now with the new one as its successor, so what is addressed to the old code reaches it.
        try refuseTaken(newCode, directory)
        var moved = yaml
        moved["formerCodes"] = AgencyYAML.list(
            yaml.items("formerCodes") + [AgencyYAML.text(code.rawValue)])
        moved["retired"] = nil
        moved["code"] = nil
        let staging = spool.agencies + "/." + newCode.rawValue + ".adding"
        var changes: [AdminChange] = folderChanges(staging)
        if let certificate = yaml["certificate"]?.string {
            let copy = "agencies/\(newCode.rawValue)/certificate.pem"
            changes.append(
                .write(
                    path: staging + "/certificate.pem",
                    bytes: try Durable.readSmallFile(spool.path(certificate), limit: 1 << 20),
                    mode: 0o644, what: "the certificate, copied from \(certificate)"))
            moved["certificate"] = AgencyYAML.text(copy)
        }
        changes.append(
            .write(
                path: staging + "/agency.yaml", bytes: try render(newCode, moved), mode: 0o644,
                what: "the agency under its new code"))
        changes.append(.rename(from: staging, to: spool.agency(newCode), what: "the agency's folders"))
        var old = try AgencyYAML.load(code, in: spool)
        old["retired"] = AgencyYAML.mapping([
            ("at", AgencyYAML.time(now, in: session.timeZone)), ("successor", AgencyYAML.text(newCode.rawValue)),
        ])
        changes.append(try agencyFile(code, old, what: "retired now, successor \(newCode)"))
        details += [("code", .string(newCode.rawValue)), ("formerCode", .string(code.rawValue))]
        return AdminPlan(
            action: "agency.rename", target: code.rawValue, details: .object(details), changes: changes,
            summary: [
                "Đổi mã — re-code \(code) → \(newCode) \"\(name)\"; mã cũ ngừng từ bây giờ, văn bản gửi mã cũ chuyển cho mã mới",
                "(the old code retires now; what is addressed to it goes to \(newCode))",
            ])
    }

    /// `agency retire CODE --successor CODE [--at TIME]`.
    public func retire(_ code: AgencyCode, successor: AgencyCode?, at: Date?) throws -> AdminPlan {
        let directory = try session.directory()
        let now = session.now()
        let when = at ?? now
        let change = try retirement(code, successor: successor, at: when, directory: directory, now: now)
        var details: [(String, JSONValue)] = [("at", .string(Timestamp.string(when, in: session.timeZone)))]
        if let successor { details.append(("successor", .string(successor.rawValue))) }
        return AdminPlan(
            action: "agency.retire", target: code.rawValue, details: .object(details), changes: [change],
            summary: [retireSummary(code, successor: successor, at: when, now: now, directory: directory)])
    }

    /// `agency merge OLD… --into SUCCESSOR [--at TIME]`; a successor not yet in the office is added first (`--name`
    /// and its credentials are then required).
    public func merge(
        _ olds: [AgencyCode], into successor: AgencyCode, at: Date?, name: String?, credentials: Credentials?,
        inbox: String?
    ) throws -> AdminPlan {
        let directory = try session.directory()
        let now = session.now()
        let when = at ?? now
        guard !olds.isEmpty else {
            throw AdminRefusal(vi: "không có cơ quan nào để sáp nhập.", en: "no agency to merge.")
        }
        if let repeated = Dictionary(grouping: olds, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw AdminRefusal(vi: "\(repeated) được nêu hai lần.", en: "\(repeated) is given twice.")
        }
        if olds.contains(successor) {
            throw AdminRefusal(
                vi: "\(successor) không thể sáp nhập vào chính nó.", en: "\(successor) cannot be merged into itself.")
        }
        var changes: [AdminChange] = []
        var details: [(String, JSONValue)] = [
            ("agencies", .array(olds.map { .string($0.rawValue) })), ("successor", .string(successor.rawValue)),
            ("at", .string(Timestamp.string(when, in: session.timeZone))),
        ]
        var summary: [String] = []
        var agencies = directory
        if directory.agencies[successor] == nil {
            guard let name else {
                throw AdminRefusal(
                    vi: "cơ quan kế thừa \(successor) chưa có trong hệ thống.",
                    en: "the successor \(successor) is not an agency of this office.",
                    advice:
                        "Thêm nó bằng --name \"Tên\" (và --cert/--key, hoặc để hệ thống tạo khóa mới) — add it with --name (and --cert/--key, or a new key)."
                )
            }
            let checked = try Self.checkedName(name)
            try refuseTaken(successor, directory)
            let added = try addChanges(successor, name: checked, credentials: credentials ?? .newKey, inbox: inbox)
            changes += added.changes
            details.append(("added", .object(added.details)))
            summary.append("Thêm cơ quan kế thừa — add the successor \(successor) \(checked)")
            agencies = AgencyDirectory(
                agencies: directory.agencies.merging(
                    [successor: try AgencyYAML.check(added.yaml, code: successor, spool: spool)]
                ) { current, _ in current })
        } else if name != nil || credentials != nil {
            throw AdminRefusal(
                vi: "\(successor) đã có; --name, --cert, --key chỉ dùng khi thêm cơ quan kế thừa mới.",
                en: "\(successor) exists already; --name, --cert and --key are for a new successor only.",
                advice: "Đổi tên bằng / rename with: lienthong agency rename \(successor) --name …")
        }
        for old in olds {
            changes.append(try retirement(old, successor: successor, at: when, directory: agencies, now: now))
            summary.append(retireSummary(old, successor: successor, at: when, now: now, directory: agencies))
        }
        return AdminPlan(
            action: "agency.merge", target: successor.rawValue, details: .object(details), changes: changes,
            summary: summary)
    }

    // MARK: - Parts

    private func retirement(
        _ code: AgencyCode, successor: AgencyCode?, at when: Date, directory: AgencyDirectory, now: Date
    ) throws -> AdminChange {
        let agency = try existing(code, directory)
        if let retirement = agency.retirement, retirement.isEffective(at: now) {
            throw AdminRefusal(
                vi: "\(code) đã ngừng hoạt động từ \(Timestamp.vietnamese(retirement.at, in: session.timeZone)).",
                en: "\(code) retired already, at \(Timestamp.string(retirement.at, in: session.timeZone)).")
        }
        if let successor {
            guard let next = directory.agencies[successor] else {
                throw AdminRefusal(
                    vi: "cơ quan kế thừa \(successor) chưa có trong hệ thống.",
                    en: "the successor \(successor) is not an agency of this office.",
                    advice: "lienthong agency add \(successor) --name \"…\"")
            }
            if successor == code {
                throw AdminRefusal(vi: "\(code) không thể kế thừa chính nó.", en: "\(code) cannot succeed itself.")
            }
            if let retirement = next.retirement, retirement.at <= when {
                throw AdminRefusal(
                    vi:
                        "cơ quan kế thừa \(successor) cũng ngừng hoạt động (từ \(Timestamp.vietnamese(retirement.at, in: session.timeZone))).",
                    en:
                        "the successor \(successor) retires too (at \(Timestamp.string(retirement.at, in: session.timeZone))).",
                    advice:
                        "Chọn cơ quan kế thừa của nó — name its successor instead: \(retirement.successor?.rawValue ?? "none")"
                )
            }
        } else if !directory.predecessors(of: code, at: when).isEmpty {
            let list = directory.predecessors(of: code, at: when).map(\.rawValue).joined(separator: ", ")
            throw AdminRefusal(
                vi:
                    "\(code) đang kế thừa \(list); không có cơ quan kế thừa thì văn bản của các cơ quan đó không còn nơi nhận.",
                en: "\(code) is the successor of \(list); with no successor, their documents would have nowhere to go.",
                advice: "Nêu --successor CODE — give --successor CODE.")
        }
        var yaml = try AgencyYAML.load(code, in: spool)
        var fields: [(String, Node)] = [("at", AgencyYAML.time(when, in: session.timeZone))]
        if let successor { fields.append(("successor", AgencyYAML.text(successor.rawValue))) }
        yaml["retired"] = AgencyYAML.mapping(fields)
        let scheduled = when > now ? "scheduled" : "effective now"
        return try agencyFile(
            code, yaml,
            what: "retired \(scheduled) at \(Timestamp.string(when, in: session.timeZone))"
                + (successor.map { ", successor \($0)" } ?? ", no successor"))
    }

    private func retireSummary(
        _ code: AgencyCode, successor: AgencyCode?, at when: Date, now: Date, directory: AgencyDirectory
    ) -> String {
        let name = directory.agencies[code]?.name ?? ""
        let time = Timestamp.vietnamese(when, in: session.timeZone)
        let to = successor.map { "\($0) \(directory.agencies[$0]?.name ?? "")" } ?? "không có — none"
        return (when > now ? "Hẹn ngừng hoạt động — retire at \(time): " : "Ngừng hoạt động từ bây giờ — retire now: ")
            + "\(code) \(name) → kế thừa / successor: \(to)"
    }

    private func addChanges(_ code: AgencyCode, name: String, credentials: Credentials, inbox: String?) throws -> (
        changes: [AdminChange], details: [(String, JSONValue)], yaml: String
    ) {
        let staging = spool.agencies + "/." + code.rawValue + ".adding"
        var changes: [AdminChange] = []
        if FileManager.default.fileExists(atPath: staging) {
            // Left by an earlier `agency add` that stopped halfway: made again from the start.
            changes.append(
                .run(what: "remove the unfinished \(spool.relative(staging))/") {
                    try FileSystem.removeTree(RawPath(staging))
                })
        }
        changes += folderChanges(staging)
        var pairs: [(String, Node)] = [("name", AgencyYAML.text(name))]
        var details: [(String, JSONValue)] = [("name", .string(name))]
        let keyRelative = "state/keys/\(code.rawValue).pem"
        switch credentials {
        case .given(let certificatePath, let keyPath, let passphraseFile):
            let certificates: [Certificate]
            do {
                certificates = try Certificate.load(path: certificatePath)
            } catch {
                throw AdminRefusal(
                    vi: "không đọc được chứng thư số \(certificatePath).", en: "cannot read the certificate: \(error)")
            }
            guard let certificate = certificates.first else {
                throw AdminRefusal(
                    vi: "tệp \(certificatePath) không chứa chứng thư số.",
                    en: "\(certificatePath) holds no certificate.")
            }
            try CertificateCheck(session: session).requireUsable(certificate, for: code)
            if let keyPath {
                let key = try CertificateCheck(session: session).loadKey(keyPath, passphraseFile: passphraseFile)
                guard certificate.matches(key) else {
                    throw AdminRefusal(
                        vi: "khóa \(keyPath) không khớp với chứng thư số \(certificatePath).",
                        en: "the key \(keyPath) does not belong to the certificate \(certificatePath).")
                }
                changes.append(
                    .write(
                        path: spool.path(keyRelative), bytes: try Durable.readSmallFile(keyPath, limit: 1 << 20),
                        mode: 0o600, what: "the agency's private key, readable by the office only"))
                pairs.append(("key", AgencyYAML.text(keyRelative)))
                if let passphraseFile {
                    pairs.append(("keyPassphraseFile", AgencyYAML.text(passphraseFile)))
                }
            }
            changes.append(
                .write(
                    path: staging + "/certificate.pem", bytes: Array(certificate.pem.utf8), mode: 0o644,
                    what:
                        "the agency's certificate (\(certificate.subject), until \(Timestamp.string(certificate.notAfter, in: session.timeZone)))"
                ))
            pairs.insert(("certificate", AgencyYAML.text("agencies/\(code.rawValue)/certificate.pem")), at: 1)
            details.append(("certificateSha256", .string(certificate.sha256Fingerprint)))
        case .newKey:
            let key = try PrivateKey.generate(.rsa(bits: 3072))
            let request = try CertificateRequest.pem(
                subject: DistinguishedName([("C", "VN"), ("O", name), ("UID", code.rawValue), ("CN", name)]), key: key)
            let requestRelative = "state/requests/\(code.rawValue).csr.pem"  // public: not among the keys
            changes.append(
                .write(
                    path: spool.path(keyRelative), bytes: try key.pem(), mode: 0o600,
                    what: "a new RSA 3072 private key, readable by the office only"))
            changes.append(
                .write(
                    path: spool.path(requestRelative), bytes: request, mode: 0o644,
                    what: "the certificate signing request to send to the CA"))
            pairs += [
                ("certificate", AgencyYAML.text("agencies/\(code.rawValue)/certificate.pem")),
                ("key", AgencyYAML.text(keyRelative)),
                ("certificateRequest", AgencyYAML.text(requestRelative)),
            ]
            details.append(("certificateRequest", .string(requestRelative)))
        }
        if let inbox {
            pairs.append(("inbox", AgencyYAML.text(inbox)))
            details.append(("inbox", .string(inbox)))
        }
        let yaml = AgencyYAML(pairs: pairs.map { (key: $0.0, value: $0.1) })
        let text = try yaml.render(header: header(code))
        changes.append(
            .write(path: staging + "/agency.yaml", bytes: Array(text.utf8), mode: 0o644, what: "the agency's settings"))
        changes.append(.rename(from: staging, to: spool.agency(code), what: "the agency's folders, complete"))
        return (changes, details, text)
    }

    private func folderChanges(_ root: String) -> [AdminChange] {
        [root, root + "/outbox", root + "/inbox", root + "/rejected"].map { .makeDirectory(path: $0, mode: 0o755) }
    }

    func agencyFile(_ code: AgencyCode, _ yaml: AgencyYAML, what: String) throws -> AdminChange {
        .write(path: spool.agencyConfig(code), bytes: try render(code, yaml), mode: 0o644, what: what)
    }

    /// The file's text, checked to read back as a valid configuration.
    private func render(_ code: AgencyCode, _ yaml: AgencyYAML) throws -> [UInt8] {
        let text = try yaml.render(header: header(code))
        do {
            _ = try AgencyYAML.check(text, code: code, spool: spool)
        } catch {
            throw AdminRefusal(
                vi: "tệp cấu hình mới của \(code) không hợp lệ.",
                en: "the new agency.yaml of \(code) would be invalid: \(error)")
        }
        return Array(text.utf8)
    }

    private func header(_ code: AgencyCode) -> [String] {
        [
            "Agency \(code): written by `lienthong` admin commands (last: \(Timestamp.string(session.now(), in: session.timeZone)), by \(session.actor)).",
            "What changed and why: lienthong journal show --kind admin; this agency's history: lienthong agency show \(code).",
        ]
    }

    func existing(_ code: AgencyCode, _ directory: AgencyDirectory) throws -> AgencyConfig {
        guard let agency = directory.agencies[code] else {
            throw AdminRefusal(
                vi: "\(code) không phải cơ quan của hệ thống.", en: "\(code) is not an agency of this office.",
                advice: "lienthong agencies")
        }
        return agency
    }

    private func refuseTaken(_ code: AgencyCode, _ directory: AgencyDirectory) throws {
        if let agency = directory.agencies[code] {
            throw AdminRefusal(
                vi: "mã \(code) đã được dùng (\(agency.name)).", en: "the code \(code) is taken (\(agency.name)).")
        }
        if let holder = directory.agencies.values.first(where: { $0.formerCodes.contains(code) }) {
            throw AdminRefusal(
                vi: "mã \(code) là mã cũ của \(holder.name) (\(holder.code)); một mã không được dùng lại.",
                en: "\(code) is a former code of \(holder.code) \(holder.name); a code is never reused.")
        }
    }

    func refuseRetired(_ agency: AgencyConfig, at now: Date) throws {
        if let retirement = agency.retirement, retirement.isEffective(at: now) {
            throw AdminRefusal(
                vi: "\(agency.code) đã ngừng hoạt động.", en: "\(agency.code) has retired.",
                advice: retirement.successor.map { "Kế thừa / successor: \($0)" } ?? "")
        }
    }

    static func checkedName(_ name: String) throws -> String {
        let name = name.precomposedNFC.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, !name.contains(where: \.isNewline) else {
            throw AdminRefusal(
                vi: "tên cơ quan trống hoặc nhiều dòng.", en: "the agency's name is empty or has line breaks.")
        }
        return name
    }
}
