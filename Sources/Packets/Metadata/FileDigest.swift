import DurableIO
import Signing

/// A file's SHA-256 and size, read once in 1 MiB chunks (constant memory whatever its size).
public enum FileDigest {
    public static func sha256(_ path: String) throws -> (sha256: String, size: Int64) {
        let file = try FileDescriptor.openRegularFileForReading(path)
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try file.read(into: buffer)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            size += Int64(count)
        }
        return (hasher.finalize().hexString, size)
    }
}
