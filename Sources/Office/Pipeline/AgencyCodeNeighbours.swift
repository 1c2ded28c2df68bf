import Packets

/// The office's codes nearest to one it does not know, for "did you mean": a clerk mistypes a digit or swaps two.
enum AgencyCodeNeighbours {
    /// Up to `limit` known codes within three edits of `code` (a swap of two neighbours counting one), nearest first.
    static func nearest(to code: AgencyCode, among known: [AgencyCode], limit: Int = 3) -> [AgencyCode] {
        let wanted = Array(code.rawValue)
        var near: [(code: AgencyCode, distance: Int)] = []
        for candidate in known {
            let distance = EditDistance.between(wanted, Array(candidate.rawValue))
            if distance <= 3 { near.append((candidate, distance)) }
        }
        near.sort { a, b in a.distance != b.distance ? a.distance < b.distance : a.code.rawValue < b.code.rawValue }
        return near.prefix(limit).map(\.code)
    }
}
