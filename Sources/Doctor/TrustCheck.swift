import Foundation
import Signing
import Spool

/// The trust anchors of `trust/ca` and the revocation lists of `trust/crl`, each file read on its own so one
/// broken file does not hide the others.
struct TrustMaterial {
    var anchors: [(path: String, certificates: [Certificate])] = []
    var brokenAnchors: [(path: String, error: Error)] = []
    var lists: [(path: String, lists: [RevocationList])] = []
    var brokenLists: [(path: String, error: Error)] = []

    static func load(_ spool: SpoolLayout) -> TrustMaterial {
        var material = TrustMaterial()
        for path in files(spool.trustAnchors, ["pem", "crt", "cer"]) {
            do { material.anchors.append((path, try Certificate.load(path: path))) } catch {
                material.brokenAnchors.append((path, error))
            }
        }
        for path in files(spool.revocationLists, ["pem", "crl"]) {
            do { material.lists.append((path, try RevocationList.load(path: path))) } catch {
                material.brokenLists.append((path, error))
            }
        }
        return material
    }

    /// The files `TrustStore.load` would read from `folder`.
    private static func files(_ folder: String, _ extensions: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .map { folder + "/" + $0 }
    }
}

/// Trust anchors load and are valid (expiring ones warned like agency certificates); each revocation list parses,
/// is signed by a CA of `trust/ca` (its signature verified with OpenSSL's `X509_CRL_verify`), and its
/// `nextUpdate` has not passed — a stale list makes every certificate it covers unverifiable.
public struct TrustCheck: DoctorCheck {
    public let family = "trust"

    public init() {}

    public func run(_ context: DoctorContext) -> [Finding] {
        let trust = TrustMaterial.load(context.spool)
        let now = context.settings.now
        var findings: [Finding] = []
        for (path, error) in trust.brokenAnchors {
            findings.append(
                Finding(
                    "ca-unreadable", .error, subject: context.relative(path),
                    vi: "Không đọc được chứng thư CA: \(error).", en: "The CA certificate cannot be read: \(error).",
                    actionVi: "Thay bằng chứng thư CA dạng PEM, hoặc xóa tệp khỏi trust/ca/.",
                    actionEn: "Replace it with the CA certificate in PEM, or remove the file from trust/ca/."))
        }
        let anchors = trust.anchors.flatMap { $0.certificates }
        if anchors.isEmpty {
            findings.append(
                Finding(
                    "trust-anchors-missing", .error, subject: "trust/ca/",
                    vi: "Không có chứng thư CA tin cậy nào trong trust/ca/: không kiểm tra được văn bản đến.",
                    en: "There is no trusted CA certificate in trust/ca/: arriving packets cannot be verified.",
                    actionVi: "Đặt chứng thư CA gốc (PEM) của Ban Cơ yếu Chính phủ vào trust/ca/.",
                    actionEn: "Put the root CA certificate (PEM) of Ban Cơ yếu Chính phủ into trust/ca/."))
        }
        for (path, certificates) in trust.anchors {
            for certificate in certificates {
                findings.append(anchor(certificate, subject: context.relative(path), context))
            }
        }
        for (path, error) in trust.brokenLists {
            findings.append(
                Finding(
                    "crl-unreadable", .error, subject: context.relative(path),
                    vi: "Không đọc được danh sách thu hồi chứng thư (CRL): \(error).",
                    en: "The certificate revocation list (CRL) cannot be read: \(error).",
                    actionVi: "Tải lại CRL (dạng PEM) từ CA, hoặc xóa tệp khỏi trust/crl/.",
                    actionEn: "Download the CRL (PEM) from the CA again, or remove the file from trust/crl/."))
        }
        for (path, lists) in trust.lists {
            for list in lists {
                findings.append(revocationList(list, subject: context.relative(path), anchors: anchors, now: now))
            }
        }
        return findings
    }

    private func anchor(_ certificate: Certificate, subject: String, _ context: DoctorContext) -> Finding {
        let now = context.settings.now
        let name = certificate.subject.description
        if now > certificate.notAfter {
            return Finding(
                "ca-expired", .error, subject: subject,
                vi: "Chứng thư CA \(name) đã hết hạn ngày \(day(certificate.notAfter)).",
                en: "The CA certificate \(name) expired on \(certificate.notAfter.iso8601UTC).",
                actionVi: "Đặt chứng thư CA mới vào trust/ca/ (giữ chứng thư cũ để kiểm tra văn bản đã ký).",
                actionEn: "Put the CA's new certificate into trust/ca/ (keep the old one to verify what it signed).")
        }
        if certificate.notAfter.timeIntervalSince(now) < context.settings.expiryWarning {
            return Finding(
                "ca-expiring", .warning, subject: subject,
                vi: "Chứng thư CA \(name) hết hạn ngày \(day(certificate.notAfter)).",
                en: "The CA certificate \(name) expires on \(certificate.notAfter.iso8601UTC).",
                actionVi: "Lấy chứng thư CA mới và đặt vào trust/ca/ trước ngày đó.",
                actionEn: "Get the CA's new certificate into trust/ca/ before then.")
        }
        return .ok(
            "ca", subject: subject, vi: "Chứng thư CA \(name) hợp lệ đến \(day(certificate.notAfter)).",
            en: "The CA certificate \(name) is valid until \(certificate.notAfter.iso8601UTC).")
    }

    private func revocationList(_ list: RevocationList, subject: String, anchors: [Certificate], now: Date) -> Finding {
        let issuer = list.issuer.description
        let candidates = anchors.filter { $0.subject == list.issuer }
        if candidates.isEmpty {
            return Finding(
                "crl-issuer-unknown", .error, subject: subject,
                vi: "CRL do \(issuer) phát hành, nhưng CA này không có trong trust/ca/.",
                en: "The CRL is issued by \(issuer), which is not a CA in trust/ca/.",
                actionVi: "Đặt chứng thư của CA đó vào trust/ca/, hoặc xóa CRL không dùng đến.",
                actionEn: "Put that CA's certificate into trust/ca/, or remove the unused CRL.")
        }
        guard candidates.contains(where: { list.isSigned(by: $0) }) else {
            return Finding(
                "crl-signature-invalid", .error, subject: subject,
                vi: "Chữ ký của CRL không khớp với khóa của CA \(issuer): CRL giả hoặc bị sửa.",
                en: "The CRL's signature does not verify with the key of CA \(issuer): forged or altered.",
                actionVi: "Tải lại CRL từ nguồn chính thức của CA.",
                actionEn: "Download the CRL again from the CA's official source.")
        }
        guard let next = list.nextUpdate else {
            return Finding(
                "crl-no-next-update", .warning, subject: subject,
                vi: "CRL của \(issuer) không ghi ngày cập nhật tiếp theo (nextUpdate).",
                en: "The CRL of \(issuer) has no nextUpdate.",
                actionVi: "Kiểm tra định kỳ và tải CRL mới từ CA.", actionEn: "Fetch a new CRL from the CA regularly.")
        }
        if next < now {
            return Finding(
                "crl-expired", .error, subject: subject,
                vi:
                    "CRL của \(issuer) đã quá hạn cập nhật từ \(day(next)) (nextUpdate): việc thu hồi chứng thư không còn được biết chắc.",
                en:
                    "The CRL of \(issuer) is past its nextUpdate (\(next.iso8601UTC)): revocations are no longer known.",
                actionVi: "Tải CRL mới từ CA và thay tệp trong trust/crl/.",
                actionEn: "Download the current CRL from the CA into trust/crl/.")
        }
        if let issued = list.thisUpdate, issued > now {
            return Finding(
                "crl-not-yet-valid", .warning, subject: subject,
                vi: "CRL của \(issuer) ghi ngày phát hành \(day(issued)), sau thời điểm hiện tại.",
                en: "The CRL of \(issuer) is dated \(issued.iso8601UTC), after now.",
                actionVi: "Kiểm tra đồng hồ máy chủ.", actionEn: "Check the server's clock.")
        }
        return .ok(
            "crl", subject: subject, vi: "CRL của \(issuer) hợp lệ, cập nhật tiếp theo \(day(next)).",
            en: "The CRL of \(issuer) is valid, next update \(next.iso8601UTC).")
    }
}
