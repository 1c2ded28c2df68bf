import Packets

/// Human-readable renderings of problems, Vietnamese first.
enum Report {
    /// A heading, then each issue: Vietnamese, English, and what to do.
    static func issues(_ issues: [ClerkIssue], heading: String) -> String {
        var lines = ["\(heading):"]
        for issue in issues {
            lines.append("  - \(issue.problem.vi)")
            lines.append("    \(issue.problem.en)")
            lines.append("    → \(issue.action.vi) / \(issue.action.en)")
        }
        return lines.joined(separator: "\n")
    }
}
