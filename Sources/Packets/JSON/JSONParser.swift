/// A syntax error in JSON text, located by line and column (both from 1).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedCharacter(String)
        case trailingComma
        case duplicateKey(String)
        case tooDeep(limit: Int)
        case invalidEscape
        case controlCharacterInString
        case invalidNumber
        case invalidUTF8
        case trailingContent
    }

    public let kind: Kind
    public let line: Int
    public let column: Int

    public init(kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column): \(english)" }

    /// The problem in English.
    public var english: String {
        switch kind {
        case .unexpectedEnd: "the text ends before the JSON is complete"
        case .unexpectedCharacter(let found): "unexpected \(found)"
        case .trailingComma: "a comma before a closing bracket"
        case .duplicateKey(let key): "the key \"\(key)\" appears twice"
        case .tooDeep(let limit): "nested more than \(limit) levels deep"
        case .invalidEscape: "an invalid escape sequence in a string"
        case .controlCharacterInString: "a control character inside a string"
        case .invalidNumber: "an invalid number"
        case .invalidUTF8: "the text is not valid UTF-8"
        case .trailingContent: "more text after the end of the JSON value"
        }
    }

    /// The problem in Vietnamese.
    public var vietnamese: String {
        switch kind {
        case .unexpectedEnd: "văn bản kết thúc khi JSON chưa đầy đủ"
        case .unexpectedCharacter(let found): "gặp ký tự không đúng chỗ: \(found)"
        case .trailingComma: "thừa dấu phẩy trước dấu đóng ngoặc"
        case .duplicateKey(let key): "trường \"\(key)\" xuất hiện hai lần"
        case .tooDeep(let limit): "lồng nhau quá \(limit) cấp"
        case .invalidEscape: "chuỗi có ký tự thoát (\\) không hợp lệ"
        case .controlCharacterInString: "chuỗi chứa ký tự điều khiển"
        case .invalidNumber: "số không hợp lệ"
        case .invalidUTF8: "tệp không được mã hóa UTF-8 hợp lệ"
        case .trailingContent: "còn nội dung thừa sau khi JSON đã kết thúc"
        }
    }
}

/// A strict RFC 8259 JSON parser: no trailing commas, no duplicate keys, no comments, bounded nesting, with
/// line and column in every error so a clerk can find the mistake in the sidecar they typed.
///
/// Foundation's parser accepts trailing commas, keeps one of two duplicate keys silently and reports only a
/// byte offset; a sidecar it accepted could be refused by every other tool, so LienThong parses strictly.
/// Why no library: Foundation's `JSONSerialization` and `JSONDecoder` both accept `{"a":1,}` and resolve
/// `{"a":1,"a":2}` without a word (on Linux, Swift 6.3: the first keeps 2, the second 1), and the package graph has
/// no strict parser with located errors; metadata.json is signed, so what it says must not depend on the reader.
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted.
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    /// Parses one JSON value filling all of `bytes` (a leading UTF-8 byte order mark is allowed).
    public func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var cursor = Cursor(bytes: bytes, maxDepth: maxDepth)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw cursor.error(.invalidUTF8) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { cursor.index = 3 }
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == bytes.count else { throw cursor.error(.trailingContent) }
        return value
    }
}

private struct Cursor {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ kind: JSONSyntaxError.Kind) -> JSONSyntaxError {
        var line = 1
        var column = 1
        for byte in bytes.prefix(index) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
                column += 1
            }
        }
        return JSONSyntaxError(kind: kind, line: line, column: column)
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    func unexpected() -> JSONSyntaxError {
        guard current != nil else { return error(.unexpectedEnd) }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return error(.unexpectedCharacter("'\(String(decoding: bytes[index..<end], as: UTF8.self))'"))
    }

    mutating func expect(_ literal: String) throws(JSONSyntaxError) {
        for byte in literal.utf8 {
            guard current == byte else { throw unexpected() }
            index += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard let byte = current else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected()
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error(.tooDeep(limit: maxDepth)) }
        index += 1
        var members: [(String, JSONValue)] = []
        var keys: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object([])
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}") && !members.isEmpty { throw error(.trailingComma) }
                throw unexpected()
            }
            let keyStart = index
            let key = try parseString()
            guard keys.insert(key).inserted else {
                index = keyStart
                throw error(.duplicateKey(key))
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw unexpected() }
            index += 1
            members.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: throw unexpected()
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error(.tooDeep(limit: maxDepth)) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw error(.trailingComma) }
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw unexpected()
            }
        }
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard let byte = current else { throw error(.unexpectedEnd) }
            switch byte {
            case UInt8(ascii: "\""):
                flush(index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(index)
                index += 1
                scalars.append(try parseEscape())
                runStart = index
            case 0x00..<0x20:
                throw error(.controlCharacterInString)
            default:
                index += 1
            }
        }
    }

    mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw error(.unexpectedEnd) }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard current == UInt8(ascii: "\\") else { throw error(.invalidEscape) }
                index += 1
                guard current == UInt8(ascii: "u") else { throw error(.invalidEscape) }
                index += 1
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low),
                    let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                else {
                    throw error(.invalidEscape)
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error(.invalidEscape) }
            return scalar
        default:
            index -= 1
            throw error(.invalidEscape)
        }
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw error(.unexpectedEnd) }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(.invalidEscape)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = index
        func isDigit(_ byte: UInt8?) -> Bool {
            byte.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
            if isDigit(current) { throw error(.invalidNumber) }  // no leading zeros
        } else if isDigit(current) {
            while isDigit(current) { index += 1 }
        } else {
            throw error(.invalidNumber)
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard isDigit(current) else { throw error(.invalidNumber) }
            while isDigit(current) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw error(.invalidNumber) }
            while isDigit(current) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
