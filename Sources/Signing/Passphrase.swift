import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the passphrase of an encrypted private key comes from. It is never taken from the command line,
/// where other users could read it in the process list.
public enum PassphraseSource: Sendable, Equatable, CustomStringConvertible {
    /// The value of an environment variable.
    case environment(String)
    /// The first line of a file (which, like the key, should be readable by its owner only).
    case file(String)
    /// A value already in memory (tests, or a caller that read it elsewhere).
    case literal([UInt8])

    /// The environment variable consulted when nothing else is configured.
    public static let defaultEnvironmentVariable = "LIENTHONG_KEY_PASSPHRASE"

    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        case .literal: "a literal passphrase"
        }
    }

    /// The passphrase bytes, or nil when an environment variable is unset.
    public func resolve() throws -> [UInt8]? {
        switch self {
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name] else { return nil }
            return Array(value.utf8)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SigningError.unreadable(path: path, reason: "passphrase file is missing or unreadable")
            }
            let firstLine =
                data.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
            var bytes = Array(firstLine)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard !bytes.isEmpty else { throw SigningError.passphraseUnavailable(source: description) }
            return bytes
        case .literal(let bytes):
            return bytes
        }
    }
}
