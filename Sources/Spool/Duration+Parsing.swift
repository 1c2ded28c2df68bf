/// Durations as office.yaml writes them: `250ms`, `2s`, `5m`, `4h`, or combined (`1h30m`).
public enum DurationText {
    /// The longest duration any setting may have: a year. Longer values are typing mistakes, and refusing them
    /// keeps every later sum of instants and durations far from overflow.
    public static let longest: Duration = .seconds(366 * 86_400)

    /// Why a text is not a duration.
    public enum Problem: Error, Equatable {
        /// Not one or more number-unit pairs.
        case malformed
        /// Longer than `DurationText.longest` (including numbers too large to compute with).
        case tooLong
    }

    /// Parses `text`; nil unless it is one or more number-unit pairs of at most `longest` in all.
    public static func parse(_ text: String) -> Duration? {
        try? read(text).get()
    }

    /// Parses `text`, saying why it is not a duration. Never traps: every product and sum is checked.
    public static func read(_ text: String) -> Result<Duration, Problem> {
        var milliseconds: Int64 = 0
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return .failure(.malformed) }
        let longestMilliseconds = longest.components.seconds * 1000
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return .failure(.malformed) }
            rest = rest.dropFirst(digits.count)
            let unit = String(rest.prefix { $0.isASCII && $0.isLetter })
            rest = rest.dropFirst(unit.count)
            let scale: Int64
            switch unit {
            case "ms": scale = 1
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            default: return .failure(.malformed)
            }
            // More digits than Int64 holds is a number too large, not a malformed one.
            guard let value = Int64(digits) else { return .failure(.tooLong) }
            let (part, productOverflow) = value.multipliedReportingOverflow(by: scale)
            let (sum, sumOverflow) = milliseconds.addingReportingOverflow(part)
            guard !productOverflow, !sumOverflow, sum <= longestMilliseconds else { return .failure(.tooLong) }
            milliseconds = sum
        }
        return .success(.milliseconds(milliseconds))
    }

    /// `366d`, `4h`, `90s`, `250ms`: the shortest exact form, for messages.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 86_400_000 == 0, milliseconds >= 86_400_000 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
