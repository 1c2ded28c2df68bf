import Foundation
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Each agency's current certificate: it loads, is valid now (expired and not-yet-valid are errors), does not
/// expire within `DoctorSettings.expiryWarning` (a warning), chains to `trust/ca` and is not revoked by
/// `trust/crl`, names no other agency, and — when the key can be read — belongs to the agency's private key.
public struct CertificateCheck: DoctorCheck {
    public let family = "certificates"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        let trust = TrustMaterial.load(context.spool)
        let store = try? TrustStore(
            anchors: trust.anchors.flatMap { $0.certificates }, revocationLists: trust.lists.flatMap { $0.lists })
        return context.agencies.flatMap { check($0, store: store, context: context) }
    }

    private func check(_ agency: AgencyConfig, store: TrustStore?, context: DoctorContext) -> [Finding] {
        let subject = context.relative(agency.certificatePath)
        let now = context.settings.now
        if let request = agency.certificateRequestPath, access(agency.certificatePath, F_OK) != 0 {
            // `agency add` without a certificate: a key and a CSR were made; the CA's answer is awaited.
            return [
                Finding(
                    "certificate-requested", .warning, subject: context.relative(request),
                    vi:
                        "Cơ quan \(agency.code) chưa có chứng thư số: yêu cầu cấp (CSR) đang chờ CA; cơ quan chưa gửi, nhận được.",
                    en:
                        "Agency \(agency.code) has no certificate yet: its signing request (CSR) waits for the CA; it can neither send nor receive.",
                    actionVi: "Gửi tệp CSR cho CA, rồi: lienthong cert rotate \(agency.code) --cert CHỨNG-THƯ.pem",
                    actionEn: "Send the CSR to the CA, then: lienthong cert rotate \(agency.code) --cert SIGNED.pem")
            ]
        }
        let certificate: Certificate
        do {
            guard let first = try Certificate.load(path: agency.certificatePath).first else {
                throw SigningError.noPEMObject(path: subject, expected: "certificate")
            }
            certificate = first
        } catch {
            return [
                Finding(
                    "certificate-unreadable", .error, subject: subject,
                    vi: "Không đọc được chứng thư số của cơ quan \(agency.code): \(error).",
                    en: "The certificate of agency \(agency.code) cannot be read: \(error).",
                    actionVi:
                        "Đặt chứng thư số (PEM) của cơ quan vào đúng chỗ hoặc sửa dòng certificate: của agency.yaml.",
                    actionEn: "Put the agency's certificate (PEM) there or fix the certificate: line of agency.yaml.")
            ]
        }
        var findings: [Finding] = []
        let until = certificate.notAfter
        let days = Int((until.timeIntervalSince(now) / 86_400).rounded(.down))
        if now > until {
            findings.append(
                Finding(
                    "certificate-expired", .error, subject: subject,
                    vi: "Chứng thư số của cơ quan \(agency.code) đã hết hạn ngày \(day(until)); văn bản không ký được.",
                    en:
                        "The certificate of agency \(agency.code) expired on \(until.iso8601UTC); documents cannot be signed.",
                    actionVi:
                        "Xin chứng thư số mới (Ban Cơ yếu Chính phủ), rồi: lienthong cert rotate \(agency.code) --cert MỚI.pem --key MỚI.pem",
                    actionEn:
                        "Get a new certificate (Ban Cơ yếu Chính phủ), then: lienthong cert rotate \(agency.code) --cert NEW.pem --key NEW.pem"
                ))
        } else if now < certificate.notBefore {
            findings.append(
                Finding(
                    "certificate-not-yet-valid", .error, subject: subject,
                    vi: "Chứng thư số của cơ quan \(agency.code) chỉ có hiệu lực từ \(day(certificate.notBefore)).",
                    en:
                        "The certificate of agency \(agency.code) is valid only from \(certificate.notBefore.iso8601UTC).",
                    actionVi: "Kiểm tra đồng hồ máy chủ, hoặc dùng chứng thư cũ đến ngày đó.",
                    actionEn: "Check the server's clock, or keep the previous certificate until then."))
        } else if until.timeIntervalSince(now) < context.settings.expiryWarning {
            findings.append(
                Finding(
                    "certificate-expiring", .warning, subject: subject,
                    vi: "Chứng thư số của cơ quan \(agency.code) hết hạn ngày \(day(until)) (còn \(days) ngày).",
                    en: "The certificate of agency \(agency.code) expires on \(until.iso8601UTC) (in \(days) days).",
                    actionVi: "Xin gia hạn hoặc cấp chứng thư số mới trước ngày hết hạn.",
                    actionEn: "Have the certificate renewed before it expires."))
        }
        if let store {
            findings += chain(certificate, agency: agency, subject: subject, store: store, now: now)
        }
        let named = certificate.agencyCodes
        if !named.isEmpty, !named.contains(agency.code.rawValue) {
            findings.append(
                Finding(
                    "certificate-other-agency", .error, subject: subject,
                    vi: "Chứng thư số ghi mã cơ quan \(named.joined(separator: ", ")), không phải \(agency.code).",
                    en: "The certificate names agency \(named.joined(separator: ", ")), not \(agency.code).",
                    actionVi: "Dùng đúng chứng thư số của cơ quan \(agency.code).",
                    actionEn: "Use agency \(agency.code)'s own certificate."))
        }
        if let key = keyProblem(agency, certificate, context) { findings.append(key) }
        if findings.isEmpty {
            findings.append(
                .ok(
                    "certificate", subject: subject,
                    vi: "Chứng thư số của cơ quan \(agency.code) hợp lệ đến \(day(until)) (còn \(days) ngày).",
                    en: "The certificate of agency \(agency.code) is valid until \(until.iso8601UTC) (\(days) days)."))
        }
        return findings
    }

    /// The chain to `trust/ca` and revocation, judged inside the validity period (which is reported on its own).
    private func chain(_ certificate: Certificate, agency: AgencyConfig, subject: String, store: TrustStore, now: Date)
        -> [Finding]
    {
        let at = min(max(now, certificate.notBefore), certificate.notAfter)
        do throws(ChainProblem) {
            try store.verify(certificate, at: at, revocation: .whenAvailable)
            return []
        } catch {
            let code: String
            switch error {
            case .untrusted: code = "certificate-untrusted"
            case .revoked: code = "certificate-revoked"
            case .wrongKeyUsage: code = "certificate-key-usage"
            default: code = "certificate-chain-invalid"
            }
            return [
                Finding(
                    code, .error, subject: subject,
                    vi:
                        "Chứng thư số của cơ quan \(agency.code) không được chấp nhận: \(error); nơi nhận sẽ từ chối văn bản.",
                    en:
                        "The certificate of agency \(agency.code) is not accepted: \(error); recipients will refuse its documents.",
                    actionVi: "Đặt chứng thư CA cấp nó vào trust/ca/, hoặc xin chứng thư số mới nếu đã bị thu hồi.",
                    actionEn:
                        "Put the issuing CA's certificate into trust/ca/, or get a new certificate if it was revoked.")
            ]
        }
    }

    /// Whether the private key (when this office signs for the agency and can read it) is the certificate's.
    private func keyProblem(_ agency: AgencyConfig, _ certificate: Certificate, _ context: DoctorContext) -> Finding? {
        guard let path = agency.keyPath, access(path, R_OK) == 0 else { return nil }  // reported by the layout check
        var info = stat()
        // Too open: the layout check says so.
        guard stat(path, &info) == 0, info.st_mode & 0o077 == 0 else { return nil }
        let key: PrivateKey
        do {
            key = try PrivateKey.load(path: path, passphrase: agency.passphrase)
        } catch SigningError.passphraseRequired, SigningError.passphraseUnavailable {
            return nil  // an encrypted key whose passphrase only the service has
        } catch {
            return Finding(
                "key-unreadable", .error, subject: context.relative(path),
                vi: "Không dùng được khóa bí mật của cơ quan \(agency.code): \(error).",
                en: "The private key of agency \(agency.code) cannot be used: \(error).",
                actionVi: "Kiểm tra tệp khóa (PEM) và mật khẩu của nó (keyPassphraseFile).",
                actionEn: "Check the key file (PEM) and its passphrase (keyPassphraseFile).")
        }
        guard !certificate.matches(key) else { return nil }
        return Finding(
            "key-certificate-mismatch", .error, subject: context.relative(path),
            vi: "Khóa bí mật không phải của chứng thư số \(context.relative(agency.certificatePath)).",
            en: "The private key does not belong to certificate \(context.relative(agency.certificatePath)).",
            actionVi: "Đặt đúng cặp khóa và chứng thư số của cơ quan \(agency.code) trong agency.yaml.",
            actionEn: "Give agency \(agency.code)'s matching key and certificate in agency.yaml.")
    }
}

/// `24/11/2026`: a day as Vietnamese admins write it (UTC).
func day(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%02d/%02d/%04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
}
