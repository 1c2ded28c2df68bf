import Foundation

/// How a sidecar's bytes are encoded. The contract says UTF-8; Windows Notepad's "Unicode" (UTF-16 with a byte
/// order mark) is read too, since its meaning is certain. Anything else is refused with how to save as UTF-8.
enum SidecarEncoding: Equatable {
    /// UTF-8, with or without a byte order mark.
    case utf8
    /// UTF-16 with a byte order mark, here decoded to UTF-8.
    case utf16([UInt8])
    /// UTF-16 without a byte order mark (every other byte zero): its byte order is a guess, so it is refused.
    case utf16WithoutMark
    /// Neither: a legacy code page (Windows-1258, TCVN3, VNI …); `offset` is the first byte that is not UTF-8.
    case notUTF8(offset: Int)

    static func detect(_ bytes: [UInt8]) -> SidecarEncoding {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            guard let text = String(data: Data(bytes.dropFirst(2)), encoding: encoding) else {
                return .notUTF8(offset: 2)
            }
            return .utf16(Array(text.utf8))
        }
        if String(validating: bytes, as: UTF8.self) != nil {
            // Valid UTF-8 but full of NULs: UTF-16 text of ASCII characters without its mark.
            let zeros = bytes.prefix(64).filter { $0 == 0 }.count
            return bytes.count >= 4 && zeros * 3 >= min(bytes.count, 64) ? .utf16WithoutMark : .utf8
        }
        if bytes.count >= 4, bytes.prefix(64).filter({ $0 == 0 }).count * 3 >= min(bytes.count, 64) {
            return .utf16WithoutMark
        }
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: break loop
            }
        }
        return .notUTF8(offset: offset)
    }
}
