/// A failure inside libarchive, or an archive LienThong refuses to read.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libarchive reported an error; `message` is its own text.
    case library(operation: String, code: Int32, message: String)
    /// The input is not a tar or zip archive.
    case notAnArchive(String)
    /// The archive ends before its last entry does.
    case truncated(String)
    /// An entry's data is shorter or longer than its header says (the source changed while it was written).
    case sizeMismatch(path: String, expected: Int64, actual: Int64)

    public var description: String {
        switch self {
        case .library(let operation, let code, let message): "\(operation) failed (\(code)): \(message)"
        case .notAnArchive(let message): "not a tar or zip archive: \(message)"
        case .truncated(let message): "the archive is truncated: \(message)"
        case .sizeMismatch(let path, let expected, let actual):
            "\(path): \(actual) bytes written where \(expected) were announced (the file changed while it was read)"
        }
    }
}
