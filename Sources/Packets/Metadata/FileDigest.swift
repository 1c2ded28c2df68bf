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

    /// Copies `input` to `output` from where each stands, hashing what passes (read once, in 1 MiB chunks).
    public static func copy(_ input: FileDescriptor, to output: FileDescriptor) throws -> (sha256: String, size: Int64)
    {
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try input.read(into: buffer)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(chunk)
            try output.write(chunk)
            size += Int64(count)
        }
        return (hasher.finalize().hexString, size)
    }
}
