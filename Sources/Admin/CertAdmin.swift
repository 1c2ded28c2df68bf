import DurableIO
import Foundation
import Packets
import Signing
import Spool
import Yams

/// `lienthong cert rotate|revoke` and `crl install`: an agency's certificates and the CAs' revocation lists
/// (Decision 17/2019 Art 7, 10.4: certificates are handed back and revoked when staff change posts; Decree 23/2025
/// Art 16: a signature is judged at its signing time, so what an old certificate signed stays valid).
public struct CertAdmin {
    public let session: AdminSession

    public init(session: AdminSession) {
        self.session = session
    }

    var spool: SpoolLayout { session.spool }

    /// `cert rotate CODE --cert NEW.pem [--key NEW.pem]`: the new certificate (and key) become the agency's; the
    /// old certificate moves to `previousCertificates`, so packets it signed still verify. Without `--key` the
    /// certificate must belong to the agency's present key (a renewal, or the certificate for `agency add`'s CSR).
    public func rotate(_ code: AgencyCode, certificate path: String, key keyPath: String?, passphraseFile: String?)
        throws -> AdminPlan
    {
        let directory = try session.directory()
        guard let agency = directory.agencies[code] else {
            throw AdminRefusal(
                vi: "\(code) không phải cơ quan của hệ thống.", en: "\(code) is not an agency of this office.")
        }
        if let retirement = agency.retirement, retirement.isEffective(at: session.now()) {
            throw AdminRefusal(vi: "\(code) đã ngừng hoạt động.", en: "\(code) has retired.")
        }
        let certificate: Certificate
        do {
            guard let first = try Certificate.load(path: path).first else {
                throw SigningError.noPEMObject(path: path, expected: "certificate")
            }
            certificate = first
        } catch {
            throw AdminRefusal(
                vi: "không đọc được chứng thư số \(path).", en: "cannot read the certificate \(path): \(error)")
        }
        let check = CertificateCheck(session: session)
        try check.requireUsable(certificate, for: code)
        let current =
            FileManager.default.fileExists(atPath: agency.certificatePath)
            ? (try? Certificate.load(path: agency.certificatePath))?.first : nil
        if let current, current.sha256Fingerprint == certificate.sha256Fingerprint {
            throw AdminRefusal(
                vi: "đây đã là chứng thư số hiện dùng của \(code).", en: "this is already the certificate of \(code).")
        }
        if agency.revocation(of: certificate) != nil {
            throw AdminRefusal(vi: "chứng thư số này đã bị thu hồi.", en: "this certificate was revoked.")
        }
        let key: PrivateKey
        if let keyPath {
            key = try check.loadKey(keyPath, passphraseFile: passphraseFile)
        } else if let present = agency.keyPath {
            key = try check.loadKey(present, passphraseFile: nil)
        } else {
            throw AdminRefusal(
                vi: "cần --key: hệ thống chưa giữ khóa của \(code).",
                en: "--key is needed: this office holds no key of \(code).")
        }
        guard certificate.matches(key) else {
            throw AdminRefusal(
                vi: "khóa không khớp với chứng thư số \(path).",
                en: "the key does not belong to the certificate \(path).")
        }
        let stamp = Self.stamp(session.now(), session.timeZone)
        var yaml = try AgencyYAML.load(code, in: spool)
        var changes: [AdminChange] = []
        var details: [(String, JSONValue)] = [("certificateSha256", .string(certificate.sha256Fingerprint))]
        // Nothing is overwritten: the new certificate gets a file of its own, and agency.yaml, written last and
        // atomically, switches to it and lists the old one in previousCertificates.
        if let current {
            yaml["previousCertificates"] = AgencyYAML.list(
                yaml.items("previousCertificates") + [AgencyYAML.text(spool.relative(agency.certificatePath))])
            details.append(("previousSha256", .string(current.sha256Fingerprint)))
        }
        let installed =
            "agencies/\(code.rawValue)/certificates/\(stamp)-\(certificate.sha256Fingerprint.prefix(12)).pem"
        changes.append(
            .write(
                path: spool.path(installed), bytes: Array(certificate.pem.utf8), mode: 0o644,
                what:
                    "the new certificate (\(certificate.subject), until \(Timestamp.string(certificate.notAfter, in: session.timeZone)))"
            ))
        yaml["certificate"] = AgencyYAML.text(installed)
        yaml["certificateRequest"] = nil
        if let keyPath {
            let keyRelative = "state/keys/\(code.rawValue)-\(stamp).pem"
            changes.append(
                .write(
                    path: spool.path(keyRelative), bytes: try Durable.readSmallFile(keyPath, limit: 1 << 20),
                    mode: 0o600,
                    what: "the new private key, readable by the office only"))
            yaml["key"] = AgencyYAML.text(keyRelative)
            if let passphraseFile {
                yaml["keyPassphraseFile"] = AgencyYAML.text(passphraseFile)
            } else {
                yaml["keyPassphraseFile"] = nil
            }
        }
        let text = try yaml.render(header: Self.header(code, session))
        do {
            _ = try AgencyYAML.check(text, code: code, spool: spool)
        } catch {
            throw AdminRefusal(vi: "cấu hình mới không hợp lệ.", en: "the new agency.yaml would be invalid: \(error)")
        }
        changes.append(
            .write(path: spool.agencyConfig(code), bytes: Array(text.utf8), mode: 0o644, what: "the agency's settings"))
        var summary = ["Thay chứng thư số — rotate the certificate of \(code): \(certificate.subject)"]
        if let keyPath, let old = agency.keyPath {
            summary.append(
                "The previous key stays at \(spool.relative(old)) (given: \(keyPath)); remove it when the hand-over minute allows (Decree 30/2020 Art 32.2.b)."
            )
        }
        return AdminPlan(
            action: "cert.rotate", target: code.rawValue, details: .object(details), changes: changes, summary: summary)
    }

    /// `cert revoke CODE --since TIME --reason …`: the office stops accepting what a certificate of the agency signed
    /// from `since` on (what it signed before stays valid). The certificate is the one the last rotation replaced,
    /// or the one `--certificate` names (a file, or its SHA-256); the agency's present certificate only when the agency
    /// has retired (else rotate first: revoking it would refuse everything it sends).
    public func revoke(_ code: AgencyCode, since: Date, reason: String, certificate chosen: String?) throws -> AdminPlan
    {
        guard LocalRevocation.reasons.contains(reason) else {
            throw AdminRefusal(
                vi: "lý do thu hồi phải là một trong: \(LocalRevocation.reasons.joined(separator: ", ")).",
                en: "--reason must be one of \(LocalRevocation.reasons.joined(separator: ", ")).")
        }
        let directory = try session.directory()
        guard let agency = directory.agencies[code] else {
            throw AdminRefusal(
                vi: "\(code) không phải cơ quan của hệ thống.", en: "\(code) is not an agency of this office.")
        }
        let current = (try? Certificate.load(path: agency.certificatePath))?.first
        let previous = agency.previousCertificatePaths.compactMap { (try? Certificate.load(path: $0))?.first }
        let target: Certificate
        if let chosen {
            let byFile =
                FileManager.default.fileExists(atPath: chosen) ? (try? Certificate.load(path: chosen))?.first : nil
            let fingerprint = (byFile?.sha256Fingerprint ?? chosen).lowercased().replacingOccurrences(of: ":", with: "")
            guard
                let found = ([current].compactMap { $0 } + previous).first(where: {
                    $0.sha256Fingerprint == fingerprint
                })
            else {
                throw AdminRefusal(
                    vi: "\(chosen) không phải chứng thư số của \(code).",
                    en: "\(chosen) is not a certificate of \(code).",
                    advice: "lienthong agency show \(code)")
            }
            target = found
        } else if let last = previous.last {
            target = last
        } else if let current {
            target = current
        } else {
            throw AdminRefusal(vi: "\(code) không có chứng thư số.", en: "\(code) has no certificate.")
        }
        let retired = agency.retirement?.isEffective(at: session.now()) == true
        if target.sha256Fingerprint == current?.sha256Fingerprint, !retired {
            throw AdminRefusal(
                vi:
                    "đây là chứng thư số đang dùng của \(code): thu hồi nó thì mọi văn bản cơ quan gửi từ nay bị từ chối.",
                en: "this is the certificate \(code) signs with now: revoking it would refuse everything it sends.",
                advice:
                    "Thay chứng thư trước — rotate first: lienthong cert rotate \(code) --cert NEW.pem --key NEW.pem")
        }
        if let existing = agency.revocation(of: target) {
            throw AdminRefusal(
                vi: "chứng thư số này đã bị thu hồi từ \(Timestamp.vietnamese(existing.since, in: session.timeZone)).",
                en:
                    "this certificate is revoked already, since \(Timestamp.string(existing.since, in: session.timeZone))."
            )
        }
        var yaml = try AgencyYAML.load(code, in: spool)
        yaml["revoked"] = AgencyYAML.list(
            yaml.items("revoked") + [
                AgencyYAML.mapping([
                    ("certificate", AgencyYAML.text(target.sha256Fingerprint)),
                    ("subject", AgencyYAML.text(target.subject.description)),
                    ("since", AgencyYAML.time(since, in: session.timeZone)), ("reason", AgencyYAML.text(reason)),
                ])
            ])
        let text = try yaml.render(header: Self.header(code, session))
        _ = try AgencyYAML.check(text, code: code, spool: spool)
        return AdminPlan(
            action: "cert.revoke", target: code.rawValue,
            details: .object([
                ("certificateSha256", .string(target.sha256Fingerprint)),
                ("since", .string(Timestamp.string(since, in: session.timeZone))),
                ("revocationReason", .string(reason)),
            ]),
            changes: [
                .write(
                    path: spool.agencyConfig(code), bytes: Array(text.utf8), mode: 0o644,
                    what:
                        "revoked: \(target.subject) as of \(Timestamp.string(since, in: session.timeZone)) (\(reason))")
            ],
            summary: [
                "Thu hồi chứng thư số — revoke \(target.subject) (sha256 \(target.sha256Fingerprint.prefix(16))…) of \(code) from \(Timestamp.vietnamese(since, in: session.timeZone)); văn bản ký trước đó vẫn có giá trị — what it signed before stays valid"
            ])
    }

    /// `crl install FILE…`: each list must be signed by a CA of `trust/ca`, issued already, not past its next update,
    /// and not older than the one installed for that CA; all are checked before any is installed.
    public func installRevocationLists(_ paths: [String]) throws -> AdminPlan {
        guard !paths.isEmpty else {
            throw AdminRefusal(vi: "cần ít nhất một tệp CRL.", en: "give at least one CRL file.")
        }
        let now = session.now()
        let anchors: [Certificate]
        do {
            anchors = try Self.certificates(in: spool.trustAnchors)
        } catch {
            throw AdminRefusal(vi: "không đọc được trust/ca.", en: "cannot read trust/ca: \(error)")
        }
        let installed = Self.installedLists(spool)
        var changes: [AdminChange] = []
        var summary: [String] = []
        var details: [JSONValue] = []
        for path in paths {
            let lists: [RevocationList]
            do {
                lists = try RevocationList.parse(try Durable.readSmallFile(path, limit: 64 << 20), path: path)
            } catch {
                throw AdminRefusal(
                    vi: "\(path) không phải danh sách thu hồi (CRL).", en: "\(path) is not a CRL: \(error)")
            }
            for list in lists {
                let named = anchors.filter { $0.subject == list.issuer }
                guard !named.isEmpty else {
                    throw AdminRefusal(
                        vi: "\(path): CRL của \(list.issuer) nhưng CA này không có trong trust/ca.",
                        en: "\(path): the CRL is issued by \(list.issuer), which is not a CA of trust/ca.")
                }
                guard let issuer = named.first(where: list.isSigned(by:)) else {
                    throw AdminRefusal(
                        vi: "\(path): chữ ký của CRL không hợp lệ (không phải của \(list.issuer)).",
                        en: "\(path): the CRL's signature does not verify with the key of \(list.issuer): refused.")
                }
                guard let thisUpdate = list.thisUpdate, thisUpdate <= now.addingTimeInterval(300) else {
                    throw AdminRefusal(
                        vi: "\(path): CRL ghi ngày phát hành trong tương lai.",
                        en: "\(path): the CRL is dated in the future.")
                }
                if let next = list.nextUpdate, next < now {
                    throw AdminRefusal(
                        vi:
                            "\(path): CRL đã hết hạn (cập nhật kế tiếp \(Timestamp.vietnamese(next, in: session.timeZone))).",
                        en:
                            "\(path): the CRL is out of date (next update was due \(Timestamp.string(next, in: session.timeZone))).",
                        advice: "Tải CRL mới của CA — fetch the CA's current CRL.")
                }
                let target = spool.revocationLists + "/" + Self.fileName(issuer)
                for old in installed where old.list.issuer == list.issuer {
                    if let oldUpdate = old.list.thisUpdate, oldUpdate > thisUpdate {
                        throw AdminRefusal(
                            vi: "\(path): CRL cũ hơn CRL đã cài của \(list.issuer).",
                            en: "\(path): older than the installed CRL of \(list.issuer) (\(spool.relative(old.path)))."
                        )
                    }
                    if old.path != target {
                        let file = old.path
                        changes.append(
                            .run(what: "remove \(spool.relative(file)) (replaced)") {
                                try FileSystem.removeTree(RawPath(file))
                            })
                    }
                }
                changes.insert(
                    .write(
                        path: target, bytes: Array(list.pem.utf8), mode: 0o644,
                        what: "CRL of \(list.issuer), \(list.count) revoked"),
                    at: 0)
                summary.append(
                    "Cài CRL — install the CRL of \(list.issuer): issued \(Timestamp.string(thisUpdate, in: session.timeZone)), \(list.count) certificate(s) revoked"
                )
                details.append(
                    .object([
                        ("issuer", .string(list.issuer.description)),
                        ("thisUpdate", .string(Timestamp.string(thisUpdate, in: session.timeZone))),
                        ("revoked", .integer(Int64(list.count))), ("file", .string(spool.relative(target))),
                    ]))
            }
        }
        return AdminPlan(
            action: "crl.install", target: nil, details: .object([("lists", .array(details))]), changes: changes,
            summary: summary)
    }

    static func installedLists(_ spool: SpoolLayout) -> [(path: String, list: RevocationList)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.revocationLists)) ?? []
        return names.sorted().flatMap { name -> [(path: String, list: RevocationList)] in
            let path = spool.revocationLists + "/" + name
            let lists =
                (try? Durable.readSmallFile(path, limit: 64 << 20)).flatMap { try? RevocationList.parse($0) } ?? []
            return lists.map { (path, $0) }
        }
    }

    static func certificates(in folder: String) throws -> [Certificate] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        return names.filter { $0.hasSuffix(".pem") || $0.hasSuffix(".crt") }.flatMap {
            (try? Certificate.load(path: folder + "/" + $0)) ?? []
        }
    }

    /// The installed CRL's file name: the CA's, so that a newer list replaces the older one.
    static func fileName(_ issuer: Certificate) -> String {
        let name = issuer.subject["CN"] ?? "ca"
        let safe = String(
            name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" })
        return "\(safe.lowercased())-\(issuer.sha256Fingerprint.prefix(12)).crl.pem"
    }

    static func stamp(_ date: Date, _ timeZone: TimeZone) -> String {
        let text = Timestamp.string(date, in: timeZone)
        return String(text.prefix(19)).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
    }

    static func header(_ code: AgencyCode, _ session: AdminSession) -> [String] {
        [
            "Agency \(code): written by `lienthong` admin commands (last: \(Timestamp.string(session.now(), in: session.timeZone)), by \(session.actor)).",
            "What changed and why: lienthong journal show --kind admin; this agency's history: lienthong agency show \(code).",
        ]
    }
}
