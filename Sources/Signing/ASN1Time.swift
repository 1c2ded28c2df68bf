import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Conversions between OpenSSL's `ASN1_TIME` and `Date`.
enum ASN1Time {
    /// The instant an `ASN1_TIME` (UTCTime or GeneralizedTime) names, or nil when it is malformed.
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// A new `ASN1_TIME` for `date` (UTCTime until 2049, GeneralizedTime after), owned by the caller.
    static func make(_ date: Date) throws -> UnsafeMutablePointer<ASN1_TIME> {
        try OpenSSLError.nonNull(ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))), "ASN1_TIME_set")
    }

    /// Writes `date` into an existing `ASN1_TIME` (for example a certificate's notBefore).
    static func set(_ time: UnsafeMutablePointer<ASN1_TIME>?, to date: Date) throws {
        _ = try OpenSSLError.nonNull(
            ASN1_TIME_set(time, time_t(date.timeIntervalSince1970.rounded(.down))), "ASN1_TIME_set")
    }
}

extension Date {
    /// The instant as ISO 8601 in UTC, to the second, for messages and reports.
    public var iso8601UTC: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: self)
    }
}
