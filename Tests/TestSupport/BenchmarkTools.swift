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
}
