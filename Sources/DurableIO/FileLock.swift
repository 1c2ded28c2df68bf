#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock(2)`) on a file, held until the value is released or `unlock()` is called.
/// Two daemons on one spool use these to agree on who works on what; a process that dies drops its locks.
public final class FileLock {
    private let descriptor: FileDescriptor

    private init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }

    /// Takes the lock on `path` (created if missing), waiting for it.
    public static func acquire(_ path: String) throws -> FileLock {
        let descriptor = try FileDescriptor.open(path, O_RDWR | O_CREAT, mode: 0o600)
        while flock(descriptor.raw, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FileError("flock", path: path) }
        }
        return FileLock(descriptor)
    }

    /// Takes the lock on `path` if nobody holds it; nil when another process does. A `shared` lock is held by many
    /// at once (the daemons delivering into an inbox) and keeps out only an exclusive one (`inbox move`).
    public static func tryAcquire(_ path: String, shared: Bool = false) throws -> FileLock? {
        let descriptor = try FileDescriptor.open(path, O_RDWR | O_CREAT, mode: 0o600)
        guard flock(descriptor.raw, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK { return nil }
            throw FileError("flock", path: path)
        }
        return FileLock(descriptor)
    }

    /// The locked file's descriptor (the journal appends through it).
    public var file: FileDescriptor { descriptor }

    deinit { flock(descriptor.raw, LOCK_UN) }
}
