/// Writes `JSONValue`s as UTF-8 JSON text: two-space indentation, members in their given order, non-ASCII
/// characters as themselves, a final newline. The same value always gives the same bytes.
public enum JSONWriter {
    /// The value as pretty-printed UTF-8 bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// The value on one line, without spaces (for JSON lines files).
    public static func compactBytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, indent: nil, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, indent: Int?, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            writeContainer(open: "[", close: "]", count: elements.count, indent: indent, into: &out) {
                index, inner, out in
                write(elements[index], indent: inner, into: &out)
            }
        case .object(let members):
            writeContainer(open: "{", close: "}", count: members.count, indent: indent, into: &out) {
                index, inner, out in
                writeString(members[index].0, into: &out)
                out += Array((inner == nil ? ":" : ": ").utf8)
                write(members[index].1, indent: inner, into: &out)
            }
        }
    }

    private static func writeContainer(
        open: Character, close: Character, count: Int, indent: Int?, into out: inout [UInt8],
        element: (Int, Int?, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: open.unicodeScalars.first!))
        guard count > 0 else {
            out.append(UInt8(ascii: close.unicodeScalars.first!))
            return
        }
        let inner = indent.map { $0 + 2 }
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let inner {
                out.append(UInt8(ascii: "\n"))
                out += [UInt8](repeating: UInt8(ascii: " "), count: inner)
            }
            element(index, inner, &out)
        }
        if let indent {
            out.append(UInt8(ascii: "\n"))
            out += [UInt8](repeating: UInt8(ascii: " "), count: indent)
        }
        out.append(UInt8(ascii: close.unicodeScalars.first!))
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
