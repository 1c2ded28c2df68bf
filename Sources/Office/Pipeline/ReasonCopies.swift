import DurableIO
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Puts the office's reason files that a clerk copied back into an outbox (with a fixed drop, as the reason file
/// invites) back where they belong: never sent, never returned as `<name>.reason.txt.reason.txt`.
enum ReasonCopies {
    /// Moves `name` from `outbox` into `rejected`; when `rejected` already holds the same file (the clerk copied
    /// rather than moved), the copy in the outbox is simply removed. A different file of that name is kept beside
    /// it as `<name> (2).reason.txt`: nothing is lost.
    static func putBack(_ name: RawName, from outbox: String, to rejected: String, logger: Logger) throws {
        let source = Directory.join(outbox, name)
        if !FileSystem.exists(RawPath(rejected)) { try Durable.makeDirectories(rejected) }
        var target = Directory.join(rejected, name)
        if FileSystem.exists(target), let here = source.string, let there = target.string,
            let copy = try? Durable.readSmallFile(here, limit: 1 << 20),
            let original = try? Durable.readSmallFile(there, limit: 1 << 20), copy == original
        {
            _ = source.withCString { unlink($0) }
            try Durable.syncDirectory(outbox)
            logger.info(
                "a reason file copied back into the outbox was removed (rejected/ has it)",
                metadata: ["name": "\(name)"])
            return
        }
        var copy = 2
        let stem = Array(name.bytes.dropLast(".reason.txt".utf8.count))
        while FileSystem.exists(target) {
            target = Directory.join(rejected, RawName(stem + Array(" (\(copy)).reason.txt".utf8)))
            copy += 1
        }
        try Mover.move(source, to: target)
        try Durable.syncDirectory(rejected)
        try Durable.syncDirectory(outbox)
        logger.info(
            "a reason file copied back into the outbox was put back into rejected/",
            metadata: ["name": "\(name)", "as": "\(target)"])
    }
}
