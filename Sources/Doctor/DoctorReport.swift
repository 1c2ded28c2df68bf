import Foundation

/// Everything the checks found.
public struct DoctorReport: Sendable {
    public let spool: String
    /// Every finding, passed checks included, in the order of the check families.
    public let findings: [Finding]

    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }

    /// 0 when there is no error (warnings alone exit 0), 1 otherwise.
    public var exitStatus: Int32 { errors.isEmpty ? 0 : 1 }

    /// The findings as a JSON array (stable: one object per check with `code`, `severity`, `subject`, `message`
    /// {`vi`, `en`, `action`, `actionEn`} and `check`), keys sorted.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(findings), as: UTF8.self)
    }

    /// For people: one line per problem (errors first, then warnings) — Vietnamese, English, what to do — then a
    /// summary line.
    public var text: String {
        var lines: [String] = []
        for finding in errors + warnings {
            let label = finding.severity == .error ? "LỖI/ERROR" : "CẢNH BÁO/WARNING"
            let message = finding.message
            lines.append(
                "\(label) [\(finding.code)] \(finding.subject): \(message.vi) | \(message.en) → \(message.action) / \(message.actionEn)"
            )
        }
        let passed = findings.count - errors.count - warnings.count
        if errors.isEmpty && warnings.isEmpty {
            lines.append(
                "Spool \(spool): không phát hiện vấn đề nào (\(passed) mục đạt) / no problems found (\(passed) checks passed)."
            )
        } else {
            lines.append(
                "Spool \(spool): \(errors.count) lỗi, \(warnings.count) cảnh báo, \(passed) mục đạt / "
                    + "\(errors.count) error(s), \(warnings.count) warning(s), \(passed) passed.")
        }
        return lines.joined(separator: "\n")
    }
}
