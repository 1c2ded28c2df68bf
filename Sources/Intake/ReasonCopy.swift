import DurableIO

#if canImport(Glibc)
import Glibc
#endif

/// The office's reason files (`<name>.reason.txt`, beginning `KHÔNG GỬI ĐƯỢC — LienThong`) found back in an
/// outbox: a clerk who fixed a drop copied everything from `rejected/` back, as the reason file itself invites. They
/// are never sent (nor returned as `<name>.reason.txt.reason.txt`): the daemon puts them back into `rejected/`.
public enum ReasonCopy {
    /// How every reason file the office writes begins (NFC).
    public static let heading = Array("KHÔNG GỬI ĐƯỢC — LienThong".utf8)

    /// Whether the file `name` in `folder` is one of the office's reason files: by its name's ending, then its first
    /// line.
    public static func isReasonFile(_ name: RawName, in folder: String) -> Bool {
        let suffix = Array(".reason.txt".utf8)
        guard name.bytes.count > suffix.count, name.bytes.suffix(suffix.count).map({ $0 | 0x20 }) == suffix else {
            return false
        }
        let path = Directory.join(folder, name)
        let descriptor = path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: heading.count)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, heading.count) }
        return count == heading.count && bytes == heading
    }
}
