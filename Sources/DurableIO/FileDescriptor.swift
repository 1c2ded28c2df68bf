#if canImport(Glibc)
import Glibc
#endif

/// An owned POSIX file descriptor, closed in `deinit`.
public final class FileDescriptor {
    /// The raw descriptor.
    public let raw: Int32
    /// The path it was opened from, for messages.
    public let path: String
    private var isClosed = false

    /// Takes ownership of `raw`.
    public init(raw: Int32, path: String) {
        self.raw = raw
        self.path = path
    }

    deinit { if !isClosed { _ = Glibc.close(raw) } }

    /// Opens `path` with `flags` (`O_CLOEXEC` is always added).
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> FileDescriptor {
        let raw = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard raw >= 0 else { throw FileError("open", path: path) }
        return FileDescriptor(raw: raw, path: path)
    }

    /// Opens `path` for reading only if it is a regular file: a symbolic link is not followed, and a FIFO or a
    /// device is never read (the open does not block on a FIFO without a writer).
    public static func openRegularFileForReading(_ path: String) throws -> FileDescriptor {
        let descriptor = try open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        let info = try descriptor.status()
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileError("open (not a regular file)", path: path, code: EINVAL)
        }
        // Back to blocking reads now that it is known to be a regular file.
        let flags = fcntl(descriptor.raw, F_GETFL)
        _ = fcntl(descriptor.raw, F_SETFL, flags & ~O_NONBLOCK)
        return descriptor
    }

    /// `fstat`.
    public func status() throws -> stat {
        var info = stat()
        guard fstat(raw, &info) == 0 else { throw FileError("fstat", path: path) }
        return info
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file. Retries on EINTR.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(raw, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw FileError("read", path: path)
        }
    }

    /// Writes every byte of `bytes`. Retries on EINTR and short writes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(raw, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError("write", path: path)
            }
            offset += count
        }
    }

    /// Writes every byte of `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes the file's data and metadata to stable storage.
    public func sync() throws {
        guard fsync(raw) == 0 else { throw FileError("fsync", path: path) }
    }

    /// Tells the kernel the file will be read once, front to back.
    public func adviseSequential() {
        _ = posix_fadvise(raw, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    /// Closes now, reporting an error (a late write failure on NFS shows up here).
    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        guard Glibc.close(raw) == 0 else { throw FileError("close", path: path) }
    }
}
