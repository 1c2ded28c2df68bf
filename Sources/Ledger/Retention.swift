import Foundation

/// How long a record is kept (Circular 10/2022/TT-BNV): "Vĩnh viễn" (permanent) or "N năm" (N years).
public enum Retention: Sendable, Equatable, Comparable, CustomStringConvertible {
    case years(Int)
    case permanent

    /// Reads "Vĩnh viễn" or "N năm" (case and accents as written by a clerk; "vinh vien" too).
    public init?(_ text: String) {
        let folded = text.precomposedStringWithCanonicalMapping.lowercased().trimmingCharacters(in: .whitespaces)
        if folded == "vĩnh viễn" || folded == "vinh vien" || folded == "permanent" {
            self = .permanent
            return
        }
        let parts = folded.split(separator: " ")
        guard parts.count == 2, let years = Int(parts[0]), years > 0, years <= 200,
            ["năm", "nam", "years", "year"].contains(String(parts[1]))
        else { return nil }
        self = .years(years)
    }

    public var description: String {
        switch self {
        case .permanent: "Vĩnh viễn"
        case .years(let years): "\(years) năm"
        }
    }

    public static func < (lhs: Retention, rhs: Retention) -> Bool {
        switch (lhs, rhs) {
        case (.years(let a), .years(let b)): a < b
        case (.years, .permanent): true
        default: false
        }
    }
}
