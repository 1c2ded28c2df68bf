import DurableIO
import Foundation
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Files this office has taken: moved, by atomic renames, out of a clerk's folder into a hidden claim folder —
/// a drop out of an outbox (`<outbox>/.lienthong/claimed/<packet-id>`, named after the packet it will become), or
/// a packet file placed into an inbox (`<inbox>/.lienthong/arriving/<name>`). Whoever holds the claim's lock works
/// on it; a second daemon on the same spool loses the rename race or finds the lock taken, so a file is never taken
/// twice, and a claim left by a process that stopped is taken over (`resume`) once its lock is free.
public final class Claim {
    public let agency: AgencyCode
    /// The claim folder's name: the packet id of an outbox claim.
    public let name: String
    public let directory: String
    private let lock: FileLock
    private let lockPath: String
    /// What each claimed file (and folder) was just after the claim, by path; empty for a claim taken over after a
    /// restart. A file that changes after this (its copy resumed) makes the claim void.
    private var facts: [String: FileFacts] = [:]
    /// Files that had already changed between their settled look and the claim.
    private var changedBeforeClaim: [String] = []
    /// The documents' names as they were in the outbox.
    private var documentNames: [RawName] = []

    private init(agency: AgencyCode, name: String, directory: String, lock: FileLock, lockPath: String) {
        self.agency = agency
        self.name = name
        self.directory = directory
        self.lock = lock
        self.lockPath = lockPath
    }

    /// The packet id of an outbox claim (nil for a claim of a packet file placed into an inbox).
    public var packetId: PacketID? { PacketID(name) }

    /// Takes `drop` from `outbox` as packet `id`; nil when another process took it first.
    public static func take(_ drop: Drop, from outbox: String, id: PacketID, paths: WorkPaths) throws -> Claim? {
        try take(drop, from: outbox, into: paths.claims(drop.agency), name: id.rawValue)
    }

    /// Takes `drop` from `folder` into `root/name` (`root` and its parent are made, hidden, when missing); nil when
    /// another process took it first.
    public static func take(_ drop: Drop, from folder: String, into root: String, name: String) throws -> Claim? {
        try FileSystem.makeDirectory(RawPath((root as NSString).deletingLastPathComponent), mode: 0o700)
        try FileSystem.makeDirectory(RawPath(root), mode: 0o700)
        let lockPath = root + "/" + name + ".lock"
        guard let lock = try FileLock.tryAcquire(lockPath) else { return nil }
        let directory = root + "/" + name
        try FileSystem.makeDirectory(RawPath(directory), mode: 0o700)
        let claim = Claim(agency: drop.agency, name: name, directory: directory, lock: lock, lockPath: lockPath)
        let outbox = folder
        // The sidecar (or the folder) goes first: whoever wins it owns the drop, and takes the documents after.
        let first: RawName
        switch drop.shape {
        case .pair(let sidecar, _): first = sidecar
        case .folder(let name), .single(let name): first = name
        }
        do {
            try FileSystem.renameNoReplace(Directory.join(outbox, first), Directory.join(directory, first))
        } catch let error as FileError where error.code == ENOENT {
            claim.abandon()
            return nil
        }
        if case .pair(_, let documents) = drop.shape { try claim.takeDocuments(documents, from: outbox) }
        claim.recordFacts(seen: drop.seen)
        return claim
    }

    /// Size, modification time, status change and inode of each claimed file, at the claim.
    private func recordFacts(seen: [RawName: DirectoryEntry]) {
        guard let entries = try? contents() else { return }
        for entry in entries {
            let path = self.path(entry.name)
            guard let key = path.string, let info = FileSystem.status(path) else { continue }
            let now = FileFacts(info)
            facts[key] = now
            if entry.kind == .file {
                if !Drop.isSidecarName(entry.name) { documentNames.append(entry.name) }
                if let before = seen[entry.name], before.kind == .file,
                    before.size != now.size || before.modified != now.modified || before.inode != now.inode
                {
                    changedBeforeClaim.append(entry.name.string ?? entry.name.description)
                }
            } else if entry.kind == .directory, let inside = try? Directory.entries(key) {
                for inner in inside {
                    let innerPath = path.appending(inner.name)
                    if let innerKey = innerPath.string, let info = FileSystem.status(innerPath) {
                        facts[innerKey] = FileFacts(info)
                    }
                }
            }
        }
    }

    /// The claimed files (as the clerk named them) that changed since the claim: their size, time, status change or
    /// inode differs, or a document's name came back into `outbox` (a copy that resumed by opening it again).
    public func changedFiles(outbox: String) -> [String] {
        var changed = changedBeforeClaim
        for (path, before) in facts.sorted(by: { $0.key < $1.key })
        where FileSystem.status(RawPath(path)).map(FileFacts.init) != before {
            changed.append(String(path.dropFirst(directory.count + 1)))
        }
        for name in documentNames where FileSystem.exists(Directory.join(outbox, name)) {
            changed.append(name.string ?? name.description)
        }
        return Array(Set(changed)).sorted()
    }

    /// Moves what the claim holds back into `outbox` (the sidecar first) to settle again, and drops the claim.
    /// Returns false when a name is taken there: what could not go back stays in the claim.
    public func putBack(to outbox: String) throws -> Bool {
        var left = false
        for entry in try contents().sorted(by: { Drop.isSidecarName($0.name) && !Drop.isSidecarName($1.name) }) {
            do {
                try FileSystem.renameNoReplace(path(entry.name), Directory.join(outbox, entry.name))
            } catch let error as FileError where error.code == EEXIST {
                left = true
            }
        }
        try Durable.syncDirectory(outbox)
        if !left { abandon() }
        return !left
    }

    /// Takes over a claim left by a process that stopped (its lock is free); nil when someone holds it.
    public static func resume(_ agency: AgencyCode, id: PacketID, paths: WorkPaths) throws -> Claim? {
        try resume(agency, in: paths.claims(agency), name: id.rawValue)
    }

    /// Takes over the claim `root/name` left by a process that stopped; nil when someone holds it, or when its folder
    /// is gone (its lock file, if free, is removed then).
    public static func resume(_ agency: AgencyCode, in root: String, name: String) throws -> Claim? {
        let lockPath = root + "/" + name + ".lock"
        guard let lock = try FileLock.tryAcquire(lockPath) else { return nil }
        let directory = root + "/" + name
        let claim = Claim(agency: agency, name: name, directory: directory, lock: lock, lockPath: lockPath)
        guard FileSystem.exists(RawPath(directory)) else {
            claim.abandon()
            return nil
        }
        return claim
    }

    /// Moves documents that are still in the outbox into the claim (a missing one is simply not there).
    public func takeDocuments(_ names: [RawName], from outbox: String) throws {
        for name in names {
            do {
                try FileSystem.renameNoReplace(Directory.join(outbox, name), Directory.join(directory, name))
            } catch let error as FileError where error.code == ENOENT {
                continue
            }
        }
    }

    /// What the claim folder holds (hidden work files aside).
    public func contents() throws -> [DirectoryEntry] {
        try Directory.entries(directory).filter { !$0.name.isHidden }
    }

    /// What a claimed file was: a change to any of it after the claim means its copy went on.
    struct FileFacts: Equatable {
        let size: Int64
        let modified: Int64
        let changed: Int64
        let inode: UInt64

        init(_ info: stat) {
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
            inode = UInt64(info.st_ino)
        }
    }

    /// A path inside the claim.
    public func path(_ name: RawName) -> RawPath { Directory.join(directory, name) }

    /// Drops the claim: removes the (empty) folder and the lock.
    public func abandon() {
        _ = RawPath(directory).withCString { rmdir($0) }
        finish()
    }

    /// Releases the lock file once the claim folder is gone (moved to sent/ or rejected/).
    public func finish() {
        unlink(lockPath)
        withExtendedLifetime(lock) {}
    }
}
