import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Small tools the benchmarks share.
public enum BenchmarkTools {
    /// Wall-clock seconds of `body`.
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Writes `bytes` random bytes to `path`.
    public static func fill(_ path: String, bytes: Int, prefix: [UInt8] = [], suffix: [UInt8] = []) throws {
        guard let handle = fopen(path, "w") else { throw ProcessError.spawn("fopen \(path)", errno) }
        defer { fclose(handle) }
        _ = prefix.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var left = bytes - prefix.count - suffix.count
        while left > 0 {
            let count = min(left, chunk.count)
            chunk.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, count) }
            _ = chunk.withUnsafeBytes { fwrite($0.baseAddress, 1, count, handle) }
            left -= count
        }
        _ = suffix.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
    }

    /// This process's peak resident memory, in bytes.
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    /// `1234.5 MiB`.
    public static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    /// Runs a shell script, failing loudly.
    @discardableResult
    public static func shell(_ script: String) throws -> ProcessResult {
        let result = try ProcessRunner.run("/bin/sh", ["-c", script])
        guard result.status == 0 else { throw ProcessError.spawn("sh: \(result.stderr)", result.status) }
        return result
    }

    /// The value below which `fraction` of `values` fall.
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    /// A program's wall-clock time and its own peak resident memory.
    public struct Measured: Sendable {
        public let seconds: Double
        public let peakBytes: Int

        public init(seconds: Double, peakBytes: Int) {
            self.seconds = seconds
            self.peakBytes = peakBytes
        }
    }

    /// Runs `executable` (found on PATH) with `arguments`, its standard output to `stdout`, and measures it; fails
    /// loudly when it does not exit 0. The peak memory is GNU time's `%M` (Debian: `time`): a child started from
    /// this process itself would count this process's memory (a vfork shares it until exec), so it is started from
    /// `time`, whose own is small.
    public static func measure(_ executable: String, _ arguments: [String], stdout: String = "/dev/null") throws
        -> Measured
    {
        let gnuTime = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: gnuTime) else {
            throw ProcessError.notFound("GNU time at /usr/bin/time (apt-get install time)")
        }
        let report = NSTemporaryDirectory() + "/lienthong-measure-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(report) }
        var pid: pid_t = 0
        let argv = ([gnuTime, "-f", "%e %M", "-o", report, executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, gnuTime, &actions, nil, argv, environ) == 0 else {
            throw ProcessError.spawn(gnuTime, errno)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard status == 0 else { throw ProcessError.spawn("\(executable) \(arguments) exited \(status)", status) }
        let fields = ((try? String(contentsOfFile: report, encoding: .utf8)) ?? "").split(
            whereSeparator: \.isWhitespace)
        guard fields.count >= 2, let kib = Int(fields[fields.count - 1]) else {
            throw ProcessError.spawn("\(gnuTime): no report for \(executable)", status)
        }
        return Measured(seconds: seconds, peakBytes: kib * 1024)
    }
}
