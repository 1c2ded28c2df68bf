import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is released.
///
/// Sendable: its only state is the immutable path.
public final class TemporaryDirectory: @unchecked Sendable {
    /// Absolute path of the folder.
    public let path: String

    public init(_ label: String = "lienthong-test") {
        let base = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array("\(base)\(label)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { buffer in
            guard let made = mkdtemp(buffer.baseAddress!) else { fatalError("mkdtemp failed: \(errno)") }
            return String(cString: made)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to a file inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        try write(name, Array(text.utf8), mode: mode)
    }

    /// Writes `bytes` to a file inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }
}

/// Free space where temporary folders are made.
public enum Disk {
    /// Bytes free to an unprivileged user under the system's temporary directory.
    public static var freeForTemporaryFiles: Int64 {
        var info = statvfs()
        guard statvfs(NSTemporaryDirectory(), &info) == 0 else { return 0 }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
