import Foundation

/// Folding Vietnamese text for comparison: lowercase, without tone marks or diacritics, `đ` as `d`.
public enum VietnameseFolding {
    /// `"Hỏa Tốc"` → `"hoa toc"`, `"Đông Hưng"` → `"dong hung"`.
    public static func fold(_ text: String) -> String {
        let lowered = text.lowercased().replacingOccurrences(of: "đ", with: "d")
        let stripped = lowered.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            !(0x0300...0x036F).contains($0.value)
        }
        return String(String.UnicodeScalarView(stripped)).trimmingCharacters(in: .whitespaces)
    }
}
