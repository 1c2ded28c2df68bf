import DurableIO

#if canImport(Glibc)
import Glibc
#endif

/// Receives a packet's documents as they stream out of the archive during verification.
public protocol PayloadSink: AnyObject {
    /// A document begins: `name` is its path inside `data/`, already checked for safety.
    func begin(_ name: String, size: Int64) throws
    /// The next bytes of the current document.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// The current document is complete.
    func end() throws
}

/// Writes a packet's documents into one folder the caller owns (a private staging folder): flat names only,
/// each file created exclusively (`O_EXCL`, no link followed), nothing outside the folder ever touched.
public final class FolderPayloadSink: PayloadSink {
    /// The folder the documents go into; it must exist.
    public let directory: String
    private var current: FileDescriptor?
    /// The names written so far.
    public private(set) var written: [String] = []
    /// The bytes written so far, all documents together.
    public private(set) var bytesWritten: Int64 = 0

    public init(directory: String) {
        self.directory = directory
    }

    public func begin(_ name: String, size: Int64) throws {
        guard !name.contains("/"), name != ".", name != ".." else {
            throw FileError("create (nested name)", path: name, code: EINVAL)
        }
        current = try FileDescriptor.open(directory + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o644)
        written.append(name)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try current?.write(bytes)
        bytesWritten += Int64(bytes.count)
    }

    public func end() throws {
        try current?.close()
        current = nil
    }
}
