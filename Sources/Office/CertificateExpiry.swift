import DurableIO
import Foundation
import Packets
import Signing
import Spool

/// Thirty days before an agency's certificate expires, the office says so: a log line (once a day), and a notice in
/// the agency's folder for its clerk (`! CHỨNG THƯ SỐ SẮP HẾT HẠN.txt`), gone once the certificate is renewed
/// (`cert rotate`). `doctor` and the web admin page show the same.
extension AgencyRoster {
    static let expiryWarning: TimeInterval = 30 * 86_400
    static let expiryNoticeName = "! CHỨNG THƯ SỐ SẮP HẾT HẠN.txt".precomposedNFC

    func warnExpiringCertificates(now: Date, timeZone: TimeZone) {
        for (code, agency) in agencies where agency.retirement?.isEffective(at: now) != true {
            let path = spool.agency(code) + "/" + Self.expiryNoticeName
            guard let certificate = (try? Certificate.load(path: agency.certificatePath))?.first,
                certificate.notAfter.timeIntervalSince(now) < Self.expiryWarning
            else {
                if FileSystem.exists(RawPath(path)) { unlink(path) }
                continue
            }
            let days = max(0, Int(certificate.notAfter.timeIntervalSince(now) / 86_400))
            let day = Timestamp.vietnamese(certificate.notAfter, in: timeZone)
            report(
                "expiry \(code) \(CalendarDate(now, in: timeZone))",
                "the agency's certificate expires within 30 days (\(days) day(s) left, \(Timestamp.string(certificate.notAfter, in: timeZone))): have it renewed, then lienthong cert rotate",
                code, level: .warning)
            let text = [
                "CHỨNG THƯ SỐ SẮP HẾT HẠN — LienThong",
                "Chứng thư số của \(agency.name) (\(code)) hết hạn lúc \(day) (còn \(days) ngày).",
                "Sau thời điểm đó, văn bản của cơ quan không được ký số và không gửi được.",
                "Việc cần làm: đề nghị cấp chứng thư số mới (Ban Cơ yếu Chính phủ) và báo quản trị hệ thống để cài đặt.",
                "", "---", "CERTIFICATE EXPIRING — LienThong",
                "The certificate of \(agency.name) (\(code)) expires at \(Timestamp.string(certificate.notAfter, in: timeZone)) (\(days) day(s) left).",
                "After that the agency's documents cannot be signed or sent. Ask for a new certificate and tell the office's admin.",
                "",
            ].joined(separator: "\n").precomposedNFC
            let bytes = Array(text.utf8)
            if let current = try? Durable.readSmallFile(path, limit: 1 << 16), current == bytes { continue }
            try? Durable.writeFile(at: path, bytes: bytes, replace: true)
        }
    }
}
