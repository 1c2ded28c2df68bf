import DurableIO
import Packets

/// Names a clerk would take for the same one: equal once accents, case and spaces are set aside
/// (`Cong van 207.json` and `Công văn 207.pdf`, `QUYET DINH.json` and `Quyết định.pdf`).
public enum NearNames {
    /// What matching lone sidecars with lone documents found.
    public struct Match: Sendable, Equatable {
        /// A sidecar and the documents it takes: the only sidecar of its folded name, and documents that all have one
        /// exact stem between them.
        public var pairs: [RawName: [RawName]] = [:]
        /// Every name that almost matches others but cannot be paired alone, with those others.
        public var ambiguous: [RawName: [RawName]] = [:]
    }

    /// The comparison key of a name: folded (no accents, lowercase, `đ` as `d`) and without whitespace.
    public static func key(_ text: String) -> String {
        String(
            VietnameseFolding.fold(text.precomposedNFC).unicodeScalars.filter { !$0.properties.isWhitespace }.map(
                Character.init))
    }

    /// Pairs sidecars (`*.json`) that found no document by their exact name with documents that found no sidecar.
    public static func match(sidecars: [RawName], documents: [RawName]) -> Match {
        var sidecarsByKey: [String: [RawName]] = [:]
        for sidecar in sidecars {
            guard let text = sidecar.string else { continue }
            sidecarsByKey[key(String(text.dropLast(5))), default: []].append(sidecar)
        }
        var documentsByKey: [String: [RawName]] = [:]
        for document in documents {
            guard let text = document.string else { continue }
            let stem = OutboxScanner.stem(of: document.bytes)
            let stemText = String(decoding: stem, as: UTF8.self)
            for candidate in Set([key(stemText), key(text)]) {
                documentsByKey[candidate, default: []].append(document)
            }
        }
        var match = Match()
        var taken: Set<RawName> = []
        for (folded, group) in sidecarsByKey.sorted(by: { $0.key < $1.key }) {
            let found = (documentsByKey[folded] ?? []).filter { !taken.contains($0) }
            guard !found.isEmpty else {
                if group.count > 1 { note(group, &match) }
                continue
            }
            let stems = Set(found.map { OutboxScanner.stem(of: $0.bytes) })
            if group.count == 1, let sidecar = group.first, stems.count == 1 || found.count == 1 {
                match.pairs[sidecar] = found
                taken.formUnion(found)
            } else {
                note(group + found, &match)
            }
        }
        // Documents whose names almost match each other (`Công văn 207.pdf`, `Cong van 207.pdf`) and no sidecar.
        for (_, group) in documentsByKey {
            let left = Array(Set(group)).filter { !taken.contains($0) && match.ambiguous[$0] == nil }
            let stems = Set(left.map { OutboxScanner.stem(of: $0.bytes) })
            if left.count > 1, stems.count > 1 { note(left, &match) }
        }
        return match
    }

    private static func note(_ names: [RawName], _ match: inout Match) {
        let unique = Array(Set(names)).sorted()
        for name in unique {
            let others = unique.filter { $0 != name }
            match.ambiguous[name] = Array(Set((match.ambiguous[name] ?? []) + others)).sorted()
        }
    }
}
