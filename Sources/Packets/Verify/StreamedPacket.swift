import Archiving
import DurableIO
import Signing

/// What one pass over a packet archive found: the tag files' bytes and each payload file's size and hash.
/// Nothing is written to disk: payload data is hashed as it streams past.
struct StreamedPacket {
    /// The single top folder, the packet id by contract.
    var root: String?
    /// Files directly inside the packet folder, by name.
    var tagFiles: [String: [UInt8]] = [:]
    /// Payload files by their path inside the packet folder (`data/…`).
    var payload: [String: (size: Int64, sha256: String)] = [:]
    /// Entries that have no place in the layout.
    var unexpected: [String] = []

    /// Reads the whole archive; throws the first archive-level problem.
    static func read(_ file: FileDescriptor, limits: ArchiveLimits, sink: (any PayloadSink)? = nil) throws(PacketProblem) -> StreamedPacket {
        var packet = StreamedPacket()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do {
            let reader = try SafeArchiveReader(fileDescriptor: file.raw, limits: limits)
            while let entry = try reader.next() {
                try packet.take(entry, from: reader, buffer: buffer, sink: sink)
            }
        } catch let error as UnsafeEntry {
            throw PacketProblems.unsafe(error)
        } catch let error as ArchiveError {
            throw PacketProblems.archive(error)
        } catch let problem as PacketProblem {
            throw problem
        } catch let error as FileError {
            throw PacketProblems.extractionFailed(error)
        } catch {
            throw PacketProblems.archive(.library(operation: "read", code: -1, message: "\(error)"))
        }
        return packet
    }

    private mutating func take(_ entry: SafeEntry, from reader: SafeArchiveReader, buffer: UnsafeMutableRawBufferPointer,
                               sink: (any PayloadSink)?) throws {
        let components = entry.components
        if root == nil { root = components[0] }
        guard components[0] == root else {
            unexpected.append(entry.path)
            try reader.skip()
            return
        }
        let inside = components.dropFirst()
        if entry.isDirectory {
            if !(inside.isEmpty || inside.first == BagIt.payloadDirectory) { unexpected.append(entry.path) }
            return
        }
        if inside.count == 1 {
            let name = inside.first!
            guard PacketLayout.tagFiles.contains(name) else {
                unexpected.append(entry.path)
                try reader.skip()
                return
            }
            guard entry.size <= PacketLayout.maxTagFileBytes else { throw PacketProblems.tagFileTooLarge(name) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.size))
            while true {
                let count = try reader.read(into: buffer)
                if count == 0 { break }
                bytes += UnsafeRawBufferPointer(rebasing: buffer[..<count])
                guard bytes.count <= PacketLayout.maxTagFileBytes else { throw PacketProblems.tagFileTooLarge(name) }
            }
            tagFiles[name] = bytes
            return
        }
        guard inside.first == BagIt.payloadDirectory, inside.count >= 2 else {
            unexpected.append(entry.path)
            try reader.skip()
            return
        }
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        let name = inside.dropFirst().joined(separator: "/")
        try sink?.begin(name, size: entry.size)
        while true {
            let count = try reader.read(into: buffer)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(chunk)
            try sink?.write(chunk)
            size += Int64(count)
        }
        try sink?.end()
        payload[inside.joined(separator: "/")] = (size, hasher.finalize().hexString)
    }
}
