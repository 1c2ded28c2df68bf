/// How many one-character slips apart two words are: insertions, deletions, substitutions, and a swap of two
/// neighbouring characters counting as one (Damerau–Levenshtein, optimal string alignment). Used for every "did you
/// mean": subcommands, sidecar field names, agency codes.
public enum EditDistance {
    public static func between(_ a: String, _ b: String) -> Int { between(Array(a), Array(b)) }

    public static func between(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
