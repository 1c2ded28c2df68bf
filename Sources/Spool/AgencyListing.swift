import Foundation
import Packets
import Signing

/// The office's agencies as a clerk or an admin looks them up (`lienthong agencies`, `DANH SÁCH CƠ QUAN.txt`): each
/// agency's code, name, where its deliveries go, and until when its certificate is valid.
public struct AgencyListing: Sendable {
    /// One agency.
    public struct Entry: Sendable, Equatable {
        public let code: AgencyCode
        public let name: String
        /// Where deliveries to it go: its `inbox/`, or the share its agency.yaml names.
        public let inbox: String
        /// Whether `inbox` is a configured share (never created by the office).
        public let inboxConfigured: Bool
        /// The end of its current certificate's validity; nil when the certificate cannot be read.
        public let certificateExpires: Date?
        /// Why the certificate cannot be read, if it cannot.
        public let certificateProblem: String?
    }

    public let entries: [Entry]

    /// Reads every agency of `spool`, in code order; an unreadable agency.yaml is an error (as at the office's start).
    public init(spool: SpoolLayout) throws(ConfigError) {
        let directory = try AgencyDirectory.load(spool)
        entries = directory.agencies.values.sorted { $0.code.rawValue < $1.code.rawValue }.map { agency in
            var expires: Date?
            var problem: String?
            do {
                expires = try Certificate.load(path: agency.certificatePath).first?.notAfter
            } catch {
                problem = "\(error)"
            }
            return Entry(
                code: agency.code, name: agency.name, inbox: agency.inbox ?? spool.inbox(agency.code),
                inboxConfigured: agency.inbox != nil, certificateExpires: expires, certificateProblem: problem)
        }
    }

    /// The listing as JSON: an array of `{code, name, inbox, inboxConfigured, certificateExpires, certificateProblem?}`,
    /// times in ISO 8601 with the office's offset.
    public func json(timeZone: TimeZone) -> [UInt8] {
        JSONWriter.bytes(
            .array(
                entries.map { entry in
                    var members: [(String, JSONValue)] = [
                        ("code", .string(entry.code.rawValue)), ("name", .string(entry.name)),
                        ("inbox", .string(entry.inbox)), ("inboxConfigured", .bool(entry.inboxConfigured)),
                        (
                            "certificateExpires",
                            entry.certificateExpires.map { .string(Timestamp.string($0, in: timeZone)) } ?? .null
                        ),
                    ]
                    if let problem = entry.certificateProblem {
                        members.append(("certificateProblem", .string(problem)))
                    }
                    return .object(members)
                }))
    }

    /// The listing for people: Vietnamese headings, one agency a line, dates as dd/mm/yyyy (the admin's view: with
    /// where deliveries go and the certificates' expiry).
    public func text(timeZone: TimeZone, now: Date) -> String {
        var lines = ["DANH SÁCH CƠ QUAN — LienThong", "Mã định danh        Tên cơ quan"]
        for entry in entries {
            lines.append(entry.code.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0) + entry.name)
            lines.append("    hộp thư đến: \(entry.inbox)" + (entry.inboxConfigured ? " (thư mục dùng chung)" : ""))
            if let expires = entry.certificateExpires {
                let day = CalendarDate(expires, in: timeZone).vietnamese
                lines.append(
                    "    chứng thư số " + (expires < now ? "ĐÃ HẾT HẠN ngày \(day)" : "có hiệu lực đến ngày \(day)"))
            } else {
                lines.append("    chứng thư số: KHÔNG ĐỌC ĐƯỢC (\(entry.certificateProblem ?? ""))")
            }
        }
        lines += ["", "---", "AGENCIES — LienThong: code, name, inbox, certificate valid until (dd/mm/yyyy).", ""]
        return lines.joined(separator: "\n").precomposedNFC
    }
}
