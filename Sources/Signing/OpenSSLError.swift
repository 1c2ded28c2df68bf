import COpenSSL

/// A failure reported by OpenSSL, carrying the library's error queue as text.
public struct OpenSSLError: Error, CustomStringConvertible, Sendable {
    /// What LienThong was doing when OpenSSL failed (for example `"PEM_read_bio_X509"`).
    public let operation: String
    /// The entries of OpenSSL's error queue, oldest first.
    public let details: [String]

    public var description: String {
        details.isEmpty ? "\(operation) failed" : "\(operation) failed: \(details.joined(separator: "; "))"
    }

    /// Drains OpenSSL's thread-local error queue into an error for `operation`.
    static func drain(_ operation: String) -> OpenSSLError {
        var details: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            details.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLError(operation: operation, details: details)
    }

    /// Throws the drained error queue unless `result` is 1 (OpenSSL's success value for most calls).
    static func check(_ result: Int32, _ operation: String) throws {
        guard result == 1 else { throw drain(operation) }
    }

    /// Returns `pointer`, or throws the drained error queue when OpenSSL returned NULL.
    static func nonNull<T>(_ pointer: T?, _ operation: String) throws -> T {
        guard let pointer else { throw drain(operation) }
        return pointer
    }
}
