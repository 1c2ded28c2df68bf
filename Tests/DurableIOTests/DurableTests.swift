import DurableIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DurableTests {
    @Test func writeFileMakesTheFileWholeAndLeavesNoStagingFile() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let path = folder.file("metadata.json")
        try Durable.writeFile(at: path, bytes: Array("{}".utf8), mode: 0o600)
        #expect(try Durable.readSmallFile(path, limit: 100) == Array("{}".utf8))
        #expect(try Directory.entries(folder.path).map(\.name.description) == ["metadata.json"])
        #expect(try #require(FileSystem.status(RawPath(path))).st_mode & 0o777 == 0o600)
    }

    @Test func writeFileRefusesToReplaceUnlessAskedAndKeepsTheOldContent() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let path = folder.file("register.csv")
        try Durable.writeFile(at: path, bytes: [1, 2, 3])
        #expect {
            try Durable.writeFile(at: path, bytes: [4])
        } throws: { ($0 as? FileError)?.code == EEXIST }
        #expect(try Durable.readSmallFile(path, limit: 10) == [1, 2, 3])
        #expect(try Directory.entries(folder.path).count == 1)  // the staging file was removed
        try Durable.writeFile(at: path, bytes: [4], replace: true)
        #expect(try Durable.readSmallFile(path, limit: 10) == [4])
    }

    @Test func aFailingWriterLeavesNothingBehind() throws {
        struct Refused: Error {}
        let folder = TemporaryDirectory("lienthong-durable")
        #expect(throws: Refused.self) {
            try Durable.writeFile(at: folder.file("packet.tar")) { descriptor in
                try descriptor.write([1, 2, 3])
                throw Refused()
            }
        }
        #expect(try Directory.entries(folder.path).isEmpty)
    }

    @Test func writeUnsyncedThenSyncAll() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let paths = (0..<10).map { folder.file("file-\($0)") }
        for (index, path) in paths.enumerated() { try Durable.writeUnsynced(at: path, bytes: [UInt8(index)]) }
        // Duplicates, a folder and a single path are all fine.
        try Durable.syncAll(paths + paths + [folder.path], concurrency: 3)
        try Durable.syncAll([paths[0]])
        try Durable.syncAll([])
        for (index, path) in paths.enumerated() { #expect(try Durable.readSmallFile(path, limit: 1) == [UInt8(index)]) }
        // writeUnsynced truncates an existing file.
        try Durable.writeUnsynced(at: paths[0], bytes: [])
        #expect(try Durable.readSmallFile(paths[0], limit: 1).isEmpty)
        #expect {
            try Durable.syncAll([paths[1], folder.file("missing")])
        } throws: { ($0 as? FileError)?.code == ENOENT }
    }

    @Test func readSmallFileRefusesFilesOverTheLimitWithEFBIG() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let path = try folder.write("sidecar.json", [UInt8](repeating: 0x20, count: 101))
        #expect(try Durable.readSmallFile(path, limit: 101).count == 101)
        #expect {
            try Durable.readSmallFile(path, limit: 100)
        } throws: { ($0 as? FileError)?.code == EFBIG }
    }

    @Test func readSmallFileRefusesLinksFIFOsAndFolders() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let target = try folder.write("real.json", "{}")
        #expect(symlink(target, folder.file("link.json")) == 0)
        #expect(mkfifo(folder.file("fifo"), 0o600) == 0)
        for path in [folder.file("link.json"), folder.file("fifo"), folder.path, folder.file("missing")] {
            #expect(throws: FileError.self, "\(path)") { try Durable.readSmallFile(path, limit: 100) }
        }
    }

    @Test func renameNoReplaceRefusesAnExistingDestinationWithEEXIST() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let source = try folder.write("a", "new")
        let destination = try folder.write("b", "old")
        #expect {
            try Durable.renameNoReplace(source, destination)
        } throws: { ($0 as? FileError)?.code == EEXIST }
        #expect {
            try FileSystem.renameNoReplace(RawPath(source), RawPath(destination))
        } throws: { ($0 as? FileError)?.code == EEXIST }
        #expect(try Durable.readSmallFile(destination, limit: 10) == Array("old".utf8))
        try Durable.renameNoReplace(source, folder.file("c"))
        #expect(!FileSystem.exists(RawPath(source)))
        #expect(try Durable.readSmallFile(folder.file("c"), limit: 10) == Array("new".utf8))
        try FileSystem.renameNoReplace(RawPath(folder.file("c")), RawPath(folder.file("d")))
        #expect(FileSystem.exists(RawPath(folder.file("d"))))
    }

    @Test func makeDirectoriesMakesEveryMissingParent() throws {
        let folder = TemporaryDirectory("lienthong-durable")
        let deep = folder.file("archive/2026/11")
        try Durable.makeDirectories(deep, mode: 0o750)
        try Durable.makeDirectories(deep)  // existing: fine
        let info = try #require(FileSystem.status(RawPath(deep)))
        #expect(Directory.kind(of: info.st_mode) == .directory)
        #expect(info.st_mode & 0o777 == 0o750)
    }
}

@Suite struct FileLockTests {
    @Test func theLockIsExclusiveUntilReleased() throws {
        let folder = TemporaryDirectory("lienthong-lock")
        let path = folder.file("office.lock")
        do {
            let first = try #require(try FileLock.tryAcquire(path))
            // A second open file description of the same file cannot take it (flock locks are per open file).
            #expect(try FileLock.tryAcquire(path) == nil)
            withExtendedLifetime(first) {}
        }
        // Released with the value: the lock can be taken again, and then not by anyone else.
        do {
            let second = try #require(try FileLock.tryAcquire(path))
            #expect(try FileLock.tryAcquire(path) == nil)
            withExtendedLifetime(second) {}
        }
        // Free again: `acquire` takes it without waiting (it would wait forever if a released lock were still held).
        let waited = try FileLock.acquire(path)
        #expect(try FileLock.tryAcquire(path) == nil)
        withExtendedLifetime(waited) {}
    }
}

@Suite struct DirectoryTests {
    @Test func entriesKeepNamesThatAreNotUTF8() throws {
        let folder = TemporaryDirectory("lienthong-dir")
        // FileManager may not remove names that are not UTF-8.
        defer { try? FileSystem.removeTree(RawPath(folder.path)) }
        let latin1 = RawName([0x42, 0xE1, 0x6F, 0x20, 0x63, 0xE1, 0x6F])  // "Báo cáo" in Latin-1: not UTF-8
        let root = RawPath(folder.path)
        try Durable.writeUnsynced(at: folder.file("Kế hoạch.pdf"), bytes: [1, 2])
        try FileSystem.makeDirectory(root.appending("đến"))
        let raw = root.appending(latin1)
        let made = raw.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        #expect(made >= 0)
        close(made)
        #expect(symlink("nowhere", folder.file("link")) == 0)

        let entries = try Directory.entries(folder.path)
        #expect(entries.map(\.name) == entries.map(\.name).sorted())
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        #expect(entries.count == 4)
        #expect(byName[latin1]?.kind == .file)
        #expect(latin1.string == nil)
        #expect(byName[RawName("Kế hoạch.pdf")]?.size == 2)
        #expect(byName[RawName("đến")]?.kind == .directory)
        #expect(byName[RawName("link")]?.kind == .symbolicLink)
        #expect(Directory.join(folder.path, latin1) == raw)
        #expect(FileSystem.exists(raw))
        #expect(try Directory.entries(folder.file("missing")).isEmpty)
    }

    @Test func statusAndExistsLookAtTheEntryItself() throws {
        let folder = TemporaryDirectory("lienthong-dir")
        let file = try folder.write("a.txt", "abc")
        #expect(symlink(folder.file("gone"), folder.file("dangling")) == 0)
        let info = try #require(FileSystem.status(RawPath(file)))
        #expect(info.st_size == 3)
        #expect(Directory.kind(of: info.st_mode) == .file)
        let link = try #require(FileSystem.status(RawPath(folder.file("dangling"))))
        #expect(Directory.kind(of: link.st_mode) == .symbolicLink)
        #expect(FileSystem.exists(RawPath(folder.file("dangling"))))
        #expect(!FileSystem.exists(RawPath(folder.file("gone"))))
        #expect(FileSystem.status(RawPath(folder.file("gone"))) == nil)
    }

    @Test func removeTreeRemovesEverythingAndFollowsNoLink() throws {
        let folder = TemporaryDirectory("lienthong-dir")
        let keep = try folder.write("outside/keep.txt", "keep")
        let root = RawPath(folder.file("tree"))
        try Durable.makeDirectories(folder.file("tree/a/b"))
        try Durable.writeUnsynced(at: folder.file("tree/a/b/file"), bytes: [1])
        try Durable.writeUnsynced(at: folder.file("tree/top"), bytes: [2])
        #expect(symlink(folder.file("outside"), folder.file("tree/a/link")) == 0)
        let odd = root.appending(RawName([0x66, 0xFF, 0x66]))
        let made = odd.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        #expect(made >= 0)
        close(made)
        // A folder whose name is not UTF-8, holding a file: emptied by raw name too.
        let oddFolder = root.appending(RawName([0x64, 0xE9, 0x6A, 0xE0]))  // "déjà" in Latin-1
        try FileSystem.makeDirectory(oddFolder)
        let inside = oddFolder.appending("tệp").withCString { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o644) }
        #expect(inside >= 0)
        close(inside)
        #expect(try Directory.entries(oddFolder).map(\.name) == [RawName("tệp")])
        try FileSystem.removeTree(root)
        #expect(!FileSystem.exists(root))
        #expect(try Durable.readSmallFile(keep, limit: 10) == Array("keep".utf8))
        try FileSystem.removeTree(root)  // gone already: fine
        try FileSystem.removeTree(RawPath(keep))  // a file
        #expect(!FileSystem.exists(RawPath(keep)))
    }
}

@Suite struct FileErrorTests {
    @Test func storageFailuresAreTheDiskRefusingTheWrite() {
        for code in [ENOSPC, EDQUOT, EROFS, EIO] {
            let error = FileError("write", path: "/spool/state/journal.jsonl", code: code)
            #expect(error.isStorageFailure, "\(code)")
            #expect(error.isTransient, "\(code)")
        }
        for code in [ENOENT, EACCES, ENAMETOOLONG, EEXIST, EINVAL, EFBIG] {
            #expect(!FileError("write", path: "x", code: code).isStorageFailure, "\(code)")
        }
        #expect(FileError.storageCodes == [ENOSPC, EDQUOT, EROFS, EIO])
    }

    @Test func transientFailuresMayPassByThemselves() {
        for code in [ENOENT, EACCES, EPERM, ESTALE, ENOTCONN, EHOSTDOWN, ETIMEDOUT, EAGAIN, EBUSY, ENXIO] {
            #expect(FileError("open", path: "x", code: code).isTransient, "\(code)")
        }
        for code in [ENAMETOOLONG, EEXIST, EINVAL, EFBIG, EISDIR, ENOTDIR, EILSEQ] {
            #expect(!FileError("open", path: "x", code: code).isTransient, "\(code)")
        }
    }

    @Test func theMessageNamesTheCallThePathAndTheSystemsReason() {
        let error = FileError("rename", path: "a -> b", code: EEXIST)
        #expect(error.description == "rename a -> b: File exists")
        #expect(error == FileError("rename", path: "a -> b", code: EEXIST))
    }
}
