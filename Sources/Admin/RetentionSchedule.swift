import Foundation
import Ledger
import Spool
import Yams

/// The office's retention schedule: `Templates/retention-schedule.yaml` (the spool's own copy first), document type
/// → retention, each row citing its basis.
public struct RetentionSchedule: Sendable {
    public struct Rule: Sendable, Equatable {
        public let typeName: String
        public let retention: Retention
        public let basis: String
    }

    public let rules: [Rule]
    public let fallback: Rule

    /// The schedule the spool uses.
    public static func load(_ spool: SpoolLayout) throws -> RetentionSchedule {
        guard let source = TemplateSource.locate("retention-schedule.yaml", spool: spool) else {
            throw TemplateError.notFound("retention-schedule.yaml")
        }
        return try parse(try source.text())
    }

    /// Reads the YAML (`default: {retention, basis}`, `rules: [{typeName, retention, basis}]`).
    public static func parse(_ text: String) throws -> RetentionSchedule {
        guard let root = try Yams.load(yaml: text) as? [String: Any] else {
            throw RetentionScheduleError("the retention schedule is not a YAML mapping")
        }
        func rule(_ value: Any?, typeName: String?) throws -> Rule {
            guard let fields = value as? [String: Any], let text = fields["retention"] as? String,
                let retention = Retention(text)
            else {
                throw RetentionScheduleError("a row without a retention \"Vĩnh viễn\" or \"N năm\": \(value ?? "")")
            }
            return Rule(
                typeName: typeName ?? (fields["typeName"] as? String ?? ""), retention: retention,
                basis: fields["basis"] as? String ?? "")
        }
        let fallback = try rule(root["default"], typeName: "")
        let rules = try (root["rules"] as? [Any] ?? []).map { try rule($0, typeName: nil) }
        return RetentionSchedule(rules: rules, fallback: fallback)
    }

    /// The row for a document type (compared without case; NFC).
    public func rule(for typeName: String) -> Rule {
        let key = typeName.precomposedStringWithCanonicalMapping.lowercased()
        return rules.first { $0.typeName.precomposedStringWithCanonicalMapping.lowercased() == key } ?? fallback
    }
}

/// A retention schedule that cannot be read.
public struct RetentionScheduleError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
