import DurableIO
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// Writes a packet's documents into the recipient's staging folder while it is verified, and remembers the first
/// write that failed. Such a failure (the recipient's disk full, over quota, read-only, failing) is the
/// destination's, not the packet's: the delivery waits and is retried like an unmounted share, and is never
/// turned into a refusal of the document (issue 11).
final class DestinationSink: PayloadSink {
    private let folder: FolderPayloadSink
    /// The first error writing into the destination, if any.
    private(set) var failure: Error?
    /// The bytes written so far, all documents together.
    var bytesWritten: Int64 { folder.bytesWritten }

    init(directory: String) {
        folder = FolderPayloadSink(directory: directory)
    }

    func begin(_ name: String, size: Int64) throws {
        try record { try folder.begin(name, size: size) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try record { try folder.write(bytes) }
    }

    func end() throws {
        try record { try folder.end() }
    }

    /// Runs `body`; a file-system error it throws is the destination's failure. Other errors (a nested or unsafe
    /// name the packet itself asks for) remain the packet's.
    private func record(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as FileError where Self.isDestinationFailure(error) {
            if failure == nil { failure = error }
            throw error
        }
    }

    /// Errors that say the place cannot be written now, whatever is written: full, over quota, read-only, failing,
    /// refusing us, gone.
    static func isDestinationFailure(_ error: FileError) -> Bool {
        [ENOSPC, EDQUOT, EROFS, EIO, EACCES, EPERM, ENOENT, ENOTDIR, ESTALE, ENXIO, ENODEV, ETIMEDOUT, EAGAIN].contains(
            error.code)
    }
}
