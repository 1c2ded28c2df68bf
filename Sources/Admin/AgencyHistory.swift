import Foundation
import Ledger
import Packets
import Signing
import Spool

/// An agency's history, as `agency show CODE` and the web admin page tell it: its names and codes with their
/// dates, its retirement and successor, the agencies it succeeded, its certificates, and every admin action on it.
public struct AgencyHistory: Sendable {
    public let code: AgencyCode
    public let name: String
    public let formerNames: [FormerName]
    public let formerCodes: [AgencyCode]
    public let retirement: Retirement?
    public let successorName: String?
    /// The agencies whose records came to this one.
    public let predecessors: [(code: AgencyCode, name: String, at: Date)]
    public let certificates: [CertificateLine]
    public let inbox: String
    public let certificateRequest: String?
    /// Admin records naming the agency, oldest first.
    public let actions: [Action]

    /// One certificate of the agency.
    public struct CertificateLine: Sendable {
        public let role: String  // current, previous
        public let subject: String
        public let notAfter: Date
        public let fingerprint: String
        public let revoked: LocalRevocation?
    }

    /// One admin record.
    public struct Action: Sendable {
        public let at: String
        public let action: String
        public let by: String
        public let reason: String
        public let details: JSONValue?
    }

    /// Reads the history of `code` from the spool (agency.yaml files, certificates, the journal).
    public static func load(_ code: AgencyCode, spool: SpoolLayout, now: Date) throws -> AgencyHistory {
        try load(code, directory: try AgencyDirectory.load(spool), spool: spool, actions: true)
    }

    /// The history of `code` in `directory`; with `actions`, the admin records naming it are read from the journal.
    public static func load(
        _ code: AgencyCode, directory: AgencyDirectory, spool: SpoolLayout, actions readActions: Bool
    )
        throws -> AgencyHistory
    {
        guard let agency = directory.agencies[code] else {
            throw AdminRefusal(
                vi: "\(code) không phải cơ quan của hệ thống.", en: "\(code) is not an agency of this office.",
                advice: "lienthong agencies")
        }
        var certificates: [CertificateLine] = []
        for (role, path) in [("current", agency.certificatePath)]
            + agency.previousCertificatePaths.map({ ("previous", $0) })
        {
            for certificate in (try? Certificate.load(path: path)) ?? [] {
                certificates.append(
                    CertificateLine(
                        role: role, subject: certificate.subject.description, notAfter: certificate.notAfter,
                        fingerprint: certificate.sha256Fingerprint, revoked: agency.revocation(of: certificate)))
            }
        }
        let predecessors = directory.agencies.values.compactMap { other -> (AgencyCode, String, Date)? in
            guard let retirement = other.retirement, retirement.successor == code else { return nil }
            return (other.code, other.name, retirement.at)
        }.sorted { $0.2 < $1.2 }
        var actions: [Action] = []
        let related = Set([code.rawValue] + agency.formerCodes.map(\.rawValue))
        let journalPath = spool.state + "/journal.jsonl"
        if readActions, FileManager.default.fileExists(atPath: journalPath) {
            try Journal(path: journalPath, repairing: false).forEachRecord { record in
                guard case .admin(let action, let by, let reason, let target, let details) = record.event else {
                    return
                }
                let mentioned =
                    target.map(related.contains) == true
                    || details.map { Self.mentions($0, related) } == true
                if mentioned {
                    actions.append(Action(at: record.at, action: action, by: by, reason: reason, details: details))
                }
            }
        }
        return AgencyHistory(
            code: code, name: agency.name, formerNames: agency.formerNames, formerCodes: agency.formerCodes,
            retirement: agency.retirement,
            successorName: agency.retirement?.successor.flatMap { directory.agencies[$0]?.name },
            predecessors: predecessors, certificates: certificates, inbox: agency.inbox ?? spool.inbox(code),
            certificateRequest: agency.certificateRequestPath, actions: actions)
    }

    private static func mentions(_ value: JSONValue, _ codes: Set<String>) -> Bool {
        switch value {
        case .string(let text): codes.contains(text)
        case .array(let items): items.contains { mentions($0, codes) }
        case .object(let members): members.contains { mentions($0.1, codes) }
        default: false
        }
    }

    /// The history as text, Vietnamese labels with English.
    public func text(timeZone: TimeZone, now: Date) -> String {
        func time(_ date: Date) -> String { Timestamp.string(date, in: timeZone) }
        var lines = ["\(code)  \(name)"]
        if let retirement {
            let state = retirement.isEffective(at: now) ? "đã ngừng hoạt động — retired" : "hẹn ngừng — retires"
            lines.append(
                "  \(state) \(time(retirement.at))"
                    + (retirement.successor.map { "; kế thừa — successor: \($0) \(successorName ?? "")" }
                        ?? "; no successor"))
        } else {
            lines.append("  đang hoạt động — active")
        }
        for former in formerNames {
            lines.append("  tên cũ — former name: \(former.name) (until \(time(former.until)))")
        }
        for former in formerCodes { lines.append("  mã cũ — former code: \(former)") }
        for predecessor in predecessors {
            lines.append(
                "  kế thừa từ — succeeds: \(predecessor.code) \(predecessor.name) (from \(time(predecessor.at)))")
        }
        lines.append("  hộp thư đến — inbox: \(inbox)")
        for certificate in certificates {
            var line =
                "  chứng thư — certificate (\(certificate.role)): \(certificate.subject), until \(time(certificate.notAfter)), sha256 \(certificate.fingerprint)"
            if let revoked = certificate.revoked {
                line += "; REVOKED since \(time(revoked.since)) (\(revoked.reason))"
            }
            lines.append(line)
        }
        if let certificateRequest { lines.append("  CSR waiting for the CA: \(certificateRequest)") }
        if !actions.isEmpty { lines.append("  lịch sử — history:") }
        for action in actions {
            lines.append("    \(action.at)  \(action.action)  by \(action.by): \(action.reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The history as JSON.
    public func json(timeZone: TimeZone) -> JSONValue {
        func time(_ date: Date) -> JSONValue { .string(Timestamp.string(date, in: timeZone)) }
        var members: [(String, JSONValue)] = [("code", .string(code.rawValue)), ("name", .string(name))]
        members.append(
            (
                "formerNames",
                .array(formerNames.map { .object([("name", .string($0.name)), ("until", time($0.until))]) })
            ))
        members.append(("formerCodes", .array(formerCodes.map { .string($0.rawValue) })))
        if let retirement {
            var fields: [(String, JSONValue)] = [("at", time(retirement.at))]
            if let successor = retirement.successor {
                fields.append(("successor", .string(successor.rawValue)))
                if let successorName { fields.append(("successorName", .string(successorName))) }
            }
            members.append(("retired", .object(fields)))
        } else {
            members.append(("retired", .null))
        }
        members.append(
            (
                "predecessors",
                .array(
                    predecessors.map {
                        .object([("code", .string($0.code.rawValue)), ("name", .string($0.name)), ("at", time($0.at))])
                    })
            ))
        members.append(("inbox", .string(inbox)))
        members.append(
            (
                "certificates",
                .array(
                    certificates.map { line in
                        var fields: [(String, JSONValue)] = [
                            ("role", .string(line.role)), ("subject", .string(line.subject)),
                            ("notAfter", time(line.notAfter)), ("sha256", .string(line.fingerprint)),
                        ]
                        if let revoked = line.revoked {
                            fields.append(
                                (
                                    "revoked",
                                    .object([("since", time(revoked.since)), ("reason", .string(revoked.reason))])
                                ))
                        }
                        return .object(fields)
                    })
            ))
        if let certificateRequest { members.append(("certificateRequest", .string(certificateRequest))) }
        members.append(
            (
                "history",
                .array(
                    actions.map { action in
                        var fields: [(String, JSONValue)] = [
                            ("at", .string(action.at)), ("action", .string(action.action)), ("by", .string(action.by)),
                            ("reason", .string(action.reason)),
                        ]
                        if let details = action.details { fields.append(("details", details)) }
                        return .object(fields)
                    })
            ))
        return .object(members)
    }
}
