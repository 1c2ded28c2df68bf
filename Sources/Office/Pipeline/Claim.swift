#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Packets

/// A drop this office has taken: its files moved, by atomic renames, out of the outbox into a claim folder named
/// after the packet they will become. Whoever holds the claim's lock works on it; a second daemon on the same
/// spool loses the rename race or finds the lock taken, so a file is never taken twice.
final class Claim {
    let agency: AgencyCode
    let id: PacketID
    let directory: String
    private let lock: FileLock
    private let lockPath: String

    private init(agency: AgencyCode, id: PacketID, directory: String, lock: FileLock, lockPath: String) {
        self.agency = agency
        self.id = id
        self.directory = directory
        self.lock = lock
        self.lockPath = lockPath
    }

    /// Takes `drop` from `outbox`; nil when another process took it first.
    static func take(_ drop: Drop, from outbox: String, id: PacketID, paths: WorkPaths) throws -> Claim? {
        try FileSystem.makeDirectory(RawPath(outbox + "/.lienthong"), mode: 0o700)
        try FileSystem.makeDirectory(RawPath(paths.claims(drop.agency)), mode: 0o700)
        let lockPath = paths.claimLock(drop.agency, id)
        guard let lock = try FileLock.tryAcquire(lockPath) else { return nil }
        let directory = paths.claim(drop.agency, id)
        try FileSystem.makeDirectory(RawPath(directory), mode: 0o700)
        let claim = Claim(agency: drop.agency, id: id, directory: directory, lock: lock, lockPath: lockPath)
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
        return claim
    }

    /// Takes over a claim left by a process that stopped (its lock is free); nil when someone holds it.
    static func resume(_ agency: AgencyCode, id: PacketID, paths: WorkPaths) throws -> Claim? {
        let lockPath = paths.claimLock(agency, id)
        guard let lock = try FileLock.tryAcquire(lockPath) else { return nil }
        let directory = paths.claim(agency, id)
        let claim = Claim(agency: agency, id: id, directory: directory, lock: lock, lockPath: lockPath)
        guard FileSystem.exists(RawPath(directory)) else {
            claim.abandon()
            return nil
        }
        return claim
    }

    /// Moves documents that are still in the outbox into the claim (a missing one is simply not there).
    func takeDocuments(_ names: [RawName], from outbox: String) throws {
        for name in names {
            do {
                try FileSystem.renameNoReplace(Directory.join(outbox, name), Directory.join(directory, name))
            } catch let error as FileError where error.code == ENOENT {
                continue
            }
        }
    }

    /// What the claim folder holds (hidden work files aside).
    func contents() throws -> [DirectoryEntry] {
        try Directory.entries(directory).filter { !$0.name.isHidden }
    }

    /// A path inside the claim.
    func path(_ name: RawName) -> RawPath { Directory.join(directory, name) }

    /// Drops the claim: removes the (empty) folder and the lock.
    func abandon() {
        _ = RawPath(directory).withCString { rmdir($0) }
        finish()
    }

    /// Releases the lock file once the claim folder is gone (moved to sent/ or rejected/).
    func finish() {
        unlink(lockPath)
        withExtendedLifetime(lock) {}
    }
}
