import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `lienthong watch` under a `Type=notify` unit with `WatchdogSec=`: systemd's side of sd_notify(3) is a
/// datagram socket at $NOTIFY_SOCKET, which the test binds and reads as systemd would.
@Suite struct ServiceNotifyTests {
    @Test func itTellsSystemdReadyWatchdogAndStopping() throws {
        let spool = try OfficeSpool(label: "notify")
        let socket = try NotifySocket(spool.directory.file("notify.sock"))
        // WatchdogSec=2s: the office must ping well within that, idle as it is.
        let daemon = try BackgroundProcess(
            Project.lienthong, ["watch", "--spool", spool.root],
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"],
            logPath: spool.directory.file("daemon.log"))
        let ready = socket.receive(until: 30) { $0.contains("READY=1") }
        #expect(ready.last?.text.contains("READY=1") == true, "no READY=1: \(ready.map(\.text)) \(daemon.log)")
        #expect(daemon.log.contains("office started"), "READY=1 before start-up finished: \(daemon.log)")

        let pings = socket.receive(for: 4.5).filter { $0.text == "WATCHDOG=1" }
        #expect(pings.count >= 3, "\(pings.count) watchdog pings in 4.5 s: \(daemon.log)")
        let gaps = zip(pings.dropFirst(), pings).map { $0.at.timeIntervalSince($1.at) }
        #expect(gaps.allSatisfy { $0 < 2 }, "a gap between pings reached WatchdogSec: \(gaps)")

        daemon.send(SIGTERM)
        let stopping = socket.receive(until: 20) { $0.contains("STOPPING=1") }
        #expect(stopping.last?.text == "STOPPING=1", "\(stopping.map(\.text))")
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
    }

    /// $WATCHDOG_PID names another process (the variables were inherited): this one must not ping for it.
    @Test func anInheritedWatchdogIsNotPinged() throws {
        let spool = try OfficeSpool(label: "notify-pid")
        let socket = try NotifySocket(spool.directory.file("notify.sock"))
        let daemon = try BackgroundProcess(
            Project.lienthong, ["watch", "--spool", spool.root],
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "300000", "WATCHDOG_PID": "1"],
            logPath: spool.directory.file("daemon.log"))
        let ready = socket.receive(until: 30) { $0.contains("READY=1") }
        #expect(ready.last?.text.contains("READY=1") == true, "\(daemon.log)")
        let after = socket.receive(for: 1.5)
        #expect(!after.contains { $0.text.contains("WATCHDOG=1") }, "\(after.map(\.text))")
        daemon.send(SIGTERM)
        #expect(daemon.wait(timeout: 20) == 0, "\(daemon.log)")
    }
}

/// The service manager's end of the notify protocol: an AF_UNIX datagram socket bound at a path.
private final class NotifySocket {
    struct Message {
        let text: String
        let at: Date
    }

    let path: String
    private let fd: Int32

    init(_ path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit { close(fd) }

    /// Messages until one satisfies `done` (included), or `timeout` seconds.
    func receive(until timeout: Double, _ done: (String) -> Bool) -> [Message] {
        var messages: [Message] = []
        let deadline = Date().addingTimeInterval(timeout)
        while let message = next(before: deadline) {
            messages.append(message)
            if done(message.text) { break }
        }
        return messages
    }

    /// Every message in the next `seconds`.
    func receive(for seconds: Double) -> [Message] {
        receive(until: seconds) { _ in false }
    }

    private func next(before deadline: Date) -> Message? {
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left * 1000, 60_000).rounded(.up)))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            return Message(text: String(decoding: buffer.prefix(count), as: UTF8.self), at: Date())
        }
    }
}
