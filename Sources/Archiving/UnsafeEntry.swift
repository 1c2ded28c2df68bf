/// An archive entry that LienThong refuses to read: it could escape the folder it is extracted into, overwrite
/// something, or exhaust the machine.
public enum UnsafeEntry: Error, Sendable, Equatable, CustomStringConvertible {
    case absolutePath(String)
    case parentReference(String)
    case link(String, target: String)
    case specialFile(String, kind: String)
    case duplicate(String)
    case badName(String, NameProblem)
    case pathTooLong(String, bytes: Int)
    case tooManyEntries(limit: Int)
    case tooManyBytes(limit: Int64)

    public var description: String {
        switch self {
        case .absolutePath(let path): "entry \(path) has an absolute path"
        case .parentReference(let path): "entry \(path) climbs out of its folder with .."
        case .link(let path, let target): "entry \(path) is a link (to \(target))"
        case .specialFile(let path, let kind): "entry \(path) is a \(kind), not a regular file"
        case .duplicate(let path): "entry \(path) appears more than once"
        case .badName(let path, let problem): "entry \(path): \(problem)"
        case .pathTooLong(let path, let bytes): "entry \(path) has a path of \(bytes) bytes"
        case .tooManyEntries(let limit): "the archive has more than \(limit) entries"
        case .tooManyBytes(let limit): "the archive holds more than \(limit) bytes of data"
        }
    }
}
