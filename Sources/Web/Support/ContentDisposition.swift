import Foundation

/// The `Content-Disposition` of a download: an ASCII fallback name, and RFC 5987 `filename*` with the real
/// (Vietnamese) name in UTF-8.
enum ContentDisposition {
    static func attachment(_ name: String) -> String {
        let base = (name as NSString).lastPathComponent.precomposedStringWithCanonicalMapping
        let fallback = String(
            String.UnicodeScalarView(
                base.decomposedStringWithCanonicalMapping.unicodeScalars.compactMap { scalar in
                    if scalar == "đ" { return "d" }
                    if scalar == "Đ" { return "D" }
                    guard scalar.isASCII, scalar.value >= 0x20, scalar != "\"", scalar != "\\" else { return nil }
                    return scalar
                }))
        let encoded = base.addingPercentEncoding(withAllowedCharacters: .urlUnreserved) ?? ""
        return "attachment; filename=\"\(fallback.isEmpty ? "tep" : fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
