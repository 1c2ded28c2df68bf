import Archiving
import Foundation

extension String {
    /// The string in Unicode Normalization Form C, as TCVN 6909:2001 (Decision 17/2019 Art 5.3) requires.
    public var precomposedNFC: String { precomposedStringWithCanonicalMapping }

    /// Whether the string is already in NFC.
    public var isNFC: Bool { precomposedNFC.unicodeScalars.elementsEqual(unicodeScalars) }

    /// The first control character (or invisible text-direction override) in the string, if any.
    /// Line breaks and tabs are allowed only when `allowingLineBreaks` is true.
    public func firstControlCharacter(allowingLineBreaks: Bool = false) -> Unicode.Scalar? {
        unicodeScalars.first { scalar in
            if allowingLineBreaks, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
            return PortableName.isControl(scalar)
        }
    }

    /// The string with every run of whitespace (including line breaks) turned into one space, trimmed.
    public var collapsingWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension Unicode.Scalar {
    /// `U+000A` style, for messages.
    public var codePoint: String { String(format: "U+%04X", value) }
}
