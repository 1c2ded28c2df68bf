import Foundation
import Packets

/// An agency's past, as `agency.yaml` keeps it (Resolution 202/2025/QH15 and 203/2025/QH15: agencies renamed,
/// merged and retired; Circular 06/2025/TT-BNV: their records go to the successor).
///
/// ```yaml
/// formerNames:
///   - { name: Sở Nội vụ tỉnh Thái Bình, until: "2025-07-01T00:00:00.000+07:00" }
/// formerCodes: [000.00.02.H53]       # codes this agency was known by before (agency rename --code)
/// retired: { at: "2025-07-01T00:00:00.000+07:00", successor: 000.00.05.H33 }
/// ```
public struct FormerName: Sendable, Equatable {
    public let name: String
    /// When the name stopped being used.
    public let until: Date

    public init(name: String, until: Date) {
        self.name = name
        self.until = until
    }
}

/// When an agency stops existing as an addressee, and who takes over its documents.
public struct Retirement: Sendable, Equatable {
    /// From when: before it, the agency works as ever; a time ahead is a scheduled retirement.
    public let at: Date
    /// Who receives what is addressed to it from then on; nil when nobody does (documents are returned).
    public let successor: AgencyCode?

    public init(at: Date, successor: AgencyCode?) {
        self.at = at
        self.successor = successor
    }

    /// Whether it has taken effect at `now`.
    public func isEffective(at now: Date) -> Bool { now >= at }
}

/// A certificate the office no longer accepts for what it signed after `since` (the office's own revocation, beside
/// the CA's lists: Decision 17/2019 Art 10.4).
public struct LocalRevocation: Sendable, Equatable {
    /// The certificate's SHA-256 fingerprint (hex, lower case).
    public let fingerprint: String
    public let since: Date
    /// RFC 5280 reason: keyCompromise, superseded, cessationOfOperation.
    public let reason: String

    public init(fingerprint: String, since: Date, reason: String) {
        self.fingerprint = fingerprint
        self.since = since
        self.reason = reason
    }

    /// The reasons `cert revoke --reason` accepts.
    public static let reasons = ["keyCompromise", "superseded", "cessationOfOperation"]
}

extension AgencyDirectory {
    /// The office's revocation of the certificate with SHA-256 `fingerprint` of `code`, for `PacketVerifier`.
    public func localRevocation(_ code: AgencyCode, _ fingerprint: String) -> LocalRevocationEntry? {
        agencies[code]?.revocations.first { $0.fingerprint == fingerprint.lowercased() }
            .map { LocalRevocationEntry(since: $0.since, reason: $0.reason) }
    }

    /// Who receives what is addressed to `code` at `now`: the agency itself while it works; its successor (followed
    /// through successors that retired too) once it retired; nil when it retired without one, is unknown, or the
    /// successors loop.
    public func addressee(_ code: AgencyCode, at now: Date) -> AgencyCode? {
        var current = code
        var seen: Set<AgencyCode> = []
        while let agency = agencies[current] {
            guard let retirement = agency.retirement, retirement.isEffective(at: now) else { return current }
            guard let next = retirement.successor, seen.insert(current).inserted else { return nil }
            current = next
        }
        return nil
    }

    /// The agencies whose records went to `code`, directly or through others (its predecessors), effective at `now`.
    public func predecessors(of code: AgencyCode, at now: Date) -> [AgencyCode] {
        var found: [AgencyCode] = []
        var frontier = [code]
        var seen: Set<AgencyCode> = [code]
        while let next = frontier.popLast() {
            for (other, agency) in agencies.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                guard let retirement = agency.retirement, retirement.successor == next,
                    retirement.isEffective(at: now), seen.insert(other).inserted
                else { continue }
                found.append(other)
                frontier.append(other)
            }
        }
        return found
    }
}
