extension String {
    /// The text made safe inside XML or HTML, in element content and in quoted attribute values alike:
    /// `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;` (HTML5 knows `&apos;` too).
    ///
    /// Scalar by scalar, not character by character: a combining mark after `&` or `<` makes one Swift `Character`
    /// that is not equal to `"&"`, and must not carry the markup character through unescaped.
    /// The one escaper of the office: edXML status records (Office) and the web UI's error pages (Web) use it.
    public var markupEscaped: String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
