import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a finished child process.
public struct ProcessResult: Sendable {
    /// Exit status, or 128 + signal number when it was killed.
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// Peak resident memory of the child, in bytes (its VmHWM, sampled every few milliseconds while it ran).
    public let maxResidentBytes: Int
    /// Wall-clock seconds.
    public let seconds: Double

    /// Both streams, for failure messages.
    public var output: String { "status \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs programs as a user would, and measures them: posix_spawn, then the child's own peak memory from /proc.
public enum ProcessRunner {
    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`.
    /// A program still running after `timeout` seconds is killed (status 128 + 9), so a hang fails its test
    /// instead of stopping the whole suite.
    /// `directory` is the working folder (default: the test's own); `unset` names variables the program must not see.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdin: String? = nil, timeout: Double = 600, directory: String? = nil,
        unset: [String] = []
    ) throws -> ProcessResult {
        guard let program = executable.contains("/") ? executable : which(executable) else {
            throw ProcessError.notFound(executable)
        }
        let scratch = TemporaryDirectory("lienthong-run")
        let outPath = scratch.file("stdout")
        let errPath = scratch.file("stderr")
        let inPath = scratch.file("stdin")
        try Data((stdin ?? "").utf8).write(to: URL(fileURLWithPath: inPath))

        let start = Date()
        let pid = try spawn(
            program, arguments, environment: environment, stdin: inPath, stdout: outPath, stderr: errPath,
            directory: directory, unset: unset)
        var status: Int32 = 0
        var usage = rusage()
        let deadline = start.addingTimeInterval(timeout)
        let name = String((program as NSString).lastPathComponent.prefix(15))
        var peak = 0
        while true {
            peak = max(peak, residentHighWaterMark(pid, name: name))
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 {
                guard errno == EINTR else { throw ProcessError.spawn(program, errno) }
                continue
            }
            if Date() > deadline { kill(pid, SIGKILL) }
            usleep(5_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProcessResult(
            status: exit,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            maxResidentBytes: peak, seconds: seconds)
    }

    /// The peak resident memory of `pid` once it runs `name` (VmHWM from /proc), 0 before.
    ///
    /// Not wait4's ru_maxrss: posix_spawn starts the child in its parent's address space, and the kernel counts
    /// that space's high-water mark into the child's ru_maxrss at exec, so a test runner's own memory would be
    /// reported as the program's.
    static func residentHighWaterMark(_ pid: pid_t, name: String) -> Int {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
            comm.trimmingCharacters(in: .newlines) == name,
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        let kilobytes =
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }

    /// Starts `program` with its standard streams redirected (`stderr` nil: to the same file as `stdout`, appended).
    static func spawn(
        _ program: String, _ arguments: [String], environment: [String: String], stdin: String,
        stdout: String, stderr: String?, directory: String? = nil, unset: [String] = []
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        for key in unset { env[key] = nil }
        // A working folder other than the test's: GNU env changes to it and execs the program in the same process
        // (glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift).
        let (program, arguments) =
            directory.map { ("/usr/bin/env", ["-C", $0, program] + arguments) } ?? (program, arguments)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard spawned == 0 else { throw ProcessError.spawn(program, spawned) }
        return pid
    }

    /// The variables by which libfaketime moves a program's clock (`./dev test` reruns the suite at other dates).
    /// A browser only displays what the office wrote and spins under libfaketime, so it runs on the real clock:
    /// `unset: ProcessRunner.fakedClock`.
    public static let fakedClock = ["LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"]

    /// The full path of a program on PATH, if there is one.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// Why a program could not be run.
public enum ProcessError: Error, CustomStringConvertible {
    case notFound(String)
    case spawn(String, Int32)
    /// A program ran and failed: what it was asked, and what it printed.
    case failed(String, ProcessResult)

    public var description: String {
        switch self {
        case .notFound(let name): "\(name) is not installed (run the README's test command, which installs it)"
        case .spawn(let name, let code): "cannot start \(name): \(String(cString: strerror(code)))"
        case .failed(let what, let result): "\(what) failed: \(result.output)"
        }
    }
}
