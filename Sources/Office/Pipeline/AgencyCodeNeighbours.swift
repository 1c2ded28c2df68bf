import Packets

/// The office's codes nearest to one it does not know, for "did you mean": a clerk mistypes a digit or swaps two.
enum AgencyCodeNeighbours {
    /// Up to `limit` known codes within three edits of `code` (a swap of two neighbours counting one), nearest first.
    static func nearest(to code: AgencyCode, among known: [AgencyCode], limit: Int = 3) -> [AgencyCode] {
        let wanted = Array(code.rawValue)
        var near: [(code: AgencyCode, distance: Int)] = []
        for candidate in known {
            let distance = distance(wanted, Array(candidate.rawValue))
            if distance <= 3 { near.append((candidate, distance)) }
        }
        near.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.code.rawValue < b.code.rawValue }
        return near.prefix(limit).map(\.code)
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
