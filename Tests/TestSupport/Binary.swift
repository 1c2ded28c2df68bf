import Foundation

/// Locations of the project's own built programs and files, for end-to-end tests.
public enum Project {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/Binary.swift
        return url.path
    }()

    /// The built `lienthong` executable: `$LIENTHONG_BIN`, else next to the running test bundle.
    public static var lienthong: String {
        if let path = ProcessInfo.processInfo.environment["LIENTHONG_BIN"] { return path }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // The test bundle may be a folder (LienThongPackageTests.xctest) or a file beside the executables.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("lienthong").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return root + "/.build/debug/lienthong"
    }

    /// A file of the repository by its relative path.
    public static func file(_ relative: String) -> String { root + "/" + relative }
}
