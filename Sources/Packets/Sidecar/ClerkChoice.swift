import Foundation

/// A closed list of words a clerk picks one of, each with its Vietnamese mark.
public protocol ClerkChoice: CaseIterable, RawRepresentable where RawValue == String {
    /// The mark printed on the document, in Vietnamese.
    var label: String { get }
}

extension ClerkChoice {
    /// The choice a clerk meant: the contract's word (`hoa-toc`), or the Vietnamese mark with or without accents
    /// and in any case (`"Hỏa tốc"`, `"hoa toc"`).
    public init?(clerkText text: String) {
        if let exact = Self(rawValue: text) {
            self = exact
            return
        }
        func key(_ words: String) -> String { VietnameseFolding.fold(words).replacingOccurrences(of: " ", with: "-") }
        let wanted = key(text)
        guard let match = Self.allCases.first(where: { key($0.label) == wanted || $0.rawValue == wanted }) else {
            return nil
        }
        self = match
    }
}
