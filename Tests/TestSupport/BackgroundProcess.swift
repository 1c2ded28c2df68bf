import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program started in the background, for tests that stop, kill and restart it.
public final class BackgroundProcess: @unchecked Sendable {
    // Sendable: `pid` is immutable; `finished` is only read and written under `lock`.
    public let pid: pid_t
    /// Where its standard output and error go.
    public let logPath: String
    private let lock = NSLock()
    private var finished: Int32?

    /// Starts `executable` with `arguments`, output appended to `logPath`.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], logPath: String,
        directory: String? = nil, unset: [String] = []
    ) throws {
        self.logPath = logPath
        pid = try ProcessRunner.spawn(
            executable, arguments, environment: environment, stdin: "/dev/null", stdout: logPath, stderr: nil,
            directory: directory, unset: unset)
    }

    /// Sends `signal` (SIGTERM, SIGKILL …).
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the process to end; returns its exit status (128 + signal when killed), or nil after `timeout`.
    @discardableResult
    public func wait(timeout: Double = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let status = poll() { return status }
            if Date() > deadline { return nil }
            usleep(20_000)
        }
    }

    /// The exit status if the process has ended, without waiting.
    public func poll() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let finished { return finished }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        finished = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return finished
    }

    /// Everything it printed so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            _ = wait(timeout: 5)
        }
    }
}
