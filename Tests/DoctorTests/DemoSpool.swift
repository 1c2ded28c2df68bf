import Doctor
import Foundation
import Spool
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A demo spool (`lienthong init --demo`, made in process) for the doctor's unit tests.
final class DemoSpool: @unchecked Sendable {
    // Sendable: immutable paths; each test has its own folder.
    let directory = TemporaryDirectory("lienthong-doctor")
    let layout: SpoolLayout
    static let agency = "000.00.01.H53"

    init() throws {
        layout = SpoolLayout(root: directory.file("Spool"))
        try SpoolInitializer(spool: layout).run(demo: true)
    }

    var root: String { layout.root }

    /// Runs the doctor with `settings` (now by default).
    func report(_ settings: DoctorSettings = DoctorSettings(fstab: "/nonexistent", mountInfo: "/nonexistent")) throws
        -> DoctorReport
    {
        try Doctor(spool: layout, settings: settings).run()
    }

    /// Findings of `severity` or worse, ignoring the free space of the test machine's own disk.
    static func problems(_ report: DoctorReport) -> [Finding] {
        report.findings.filter { $0.severity != .ok && $0.check != "disk" }
    }

    /// Rewrites an agency's agency.yaml with one more line.
    func addLine(_ line: String, to code: String = agency) throws {
        let path = root + "/agencies/\(code)/agency.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Every path under the spool with its size, mode and modification time, to show nothing changed.
    func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat(root + "/" + relative, &info) == 0 else { continue }
            result[relative] = "\(info.st_size) \(info.st_mode) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return result
    }
}
