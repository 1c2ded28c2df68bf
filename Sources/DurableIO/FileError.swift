#if canImport(Glibc)
import Glibc
#endif

/// A failed file system call, with the path and the system's error number.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`open`, `rename`, `fsync` …).
    public let operation: String
    /// The path it was called on.
    public let path: String
    /// `errno` after the failure.
    public let code: Int32

    public init(_ operation: String, path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }

    /// Whether the failure may pass by itself (a share not mounted, a full disk, an I/O error), as opposed to
    /// one that will happen again whatever the wait (a bad name).
    public var isTransient: Bool {
        [
            ENOENT, ENOSPC, EDQUOT, EROFS, EIO, EACCES, EPERM, ESTALE, ENOTCONN, EHOSTDOWN, ETIMEDOUT, EAGAIN, EBUSY,
            ENXIO,
        ].contains(code)
    }

    /// Whether the disk itself refused the write (no space, over quota, read-only, I/O error): when the file is the
    /// office's own (state/, archive/, staging, the journal), the office's problem, to wait out, never a clerk's.
    public var isStorageFailure: Bool { Self.storageCodes.contains(code) }

    /// The error numbers of `isStorageFailure`.
    public static let storageCodes: Set<Int32> = [ENOSPC, EDQUOT, EROFS, EIO]
}
