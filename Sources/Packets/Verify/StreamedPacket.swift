import Archiving
import DurableIO
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// What reading a packet archive found: the tag files' bytes and each payload file's size and hash.
///
/// The payload is read only as far as the signed metadata allows it to be. The tag files come first: when the
/// signed `metadata.json` and its signature are in hand — before the first document, as the office writes its
/// packets — `authorize` judges them and returns the size each document may have (`metadata.json`'s
/// `files[].size`, by path inside the packet folder), or nil when the packet is refused already. A packet whose
/// documents come before its signed metadata (packets made before the office defined the order) is first read for
/// its headers only, every document skipped unread; then, if authorized, a second pass reads the documents. So no
/// byte of a document is hashed or handed to the sink before the signed metadata is judged, a document the
/// signed metadata does not list is never read, and none is read past its signed size.
struct StreamedPacket {
    /// One payload file as the archive held it.
    struct PayloadEntry {
        /// The bytes read, or the size its header announced when it was not read.
        var size: Int64
        /// Its SHA-256, or nil when it was not read (refused before, unlisted, or bigger than signed).
        var sha256: String?
        /// Its header announced, or reading it found, more bytes than its signed size.
        var oversized = false
    }

    /// The single top folder, the packet id by contract.
    var root: String?
    /// Files directly inside the packet folder, by name.
    var tagFiles: [String: [UInt8]] = [:]
    /// Payload files by their path inside the packet folder (`data/…`).
    var payload: [String: PayloadEntry] = [:]
    /// Entries that have no place in the layout.
    var unexpected: [String] = []
    /// The signed metadata's allowance, once judged: the signed size of each document by path, or nil (refused).
    var allowance: [String: Int64]?
    /// Whether the documents were read at all (the signed metadata allowed it).
    var payloadRead: Bool { allowance != nil }
    /// Whether a document came before the signed metadata and its signature.
    var payloadFirst = false
    /// Bytes handed to the sink, all documents together (never more than their signed sizes).
    var bytesToSink: Int64 = 0

    private enum Pass {
        /// Tag files read; documents read once the signed metadata is judged, while it is before them.
        case streaming
        /// Tag files read; documents recorded from their headers and skipped unread.
        case headers
        /// Documents only (the tag files were read by a first pass).
        case documents
    }

    /// Reads the whole archive; throws the first archive-level problem. `authorize` is called once, when the signed
    /// metadata is first needed; without it (or when it returns nil) no document is read.
    static func read(
        _ file: FileDescriptor, limits: ArchiveLimits, sink: (any PayloadSink)? = nil,
        authorize: (StreamedPacket) -> [String: Int64]?
    ) throws(PacketProblem) -> StreamedPacket {
        var packet = StreamedPacket()
        var decided = false
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do {
            var pass = Pass.streaming
            var reader = try SafeArchiveReader(fileDescriptor: file.raw, limits: limits)
            while true {
                guard let entry = try reader.next() else {
                    guard pass == .headers else { break }
                    // The documents came first: the signed metadata is judged now, and only then are they read.
                    packet.allowance = authorize(packet)
                    decided = true
                    guard packet.allowance != nil, !packet.payload.isEmpty else { break }
                    guard lseek(file.raw, 0, SEEK_SET) == 0 else {
                        throw FileError("seek (second pass)", path: "packet", code: errno)
                    }
                    reader = try SafeArchiveReader(fileDescriptor: file.raw, limits: limits)
                    packet.payload = [:]  // recorded from the headers; read now
                    pass = .documents
                    continue
                }
                if pass == .streaming, !decided, packet.isDocument(entry) {
                    if packet.tagFiles[PacketLayout.metadataName] != nil,
                        packet.tagFiles[PacketLayout.signatureName] != nil
                    {
                        packet.allowance = authorize(packet)
                        decided = true
                    } else {
                        packet.payloadFirst = true
                        pass = .headers
                    }
                }
                try packet.take(entry, pass: pass, from: reader, buffer: buffer, sink: sink)
            }
            if !decided { packet.allowance = authorize(packet) }
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

    /// Reads only the tag files, every document skipped unread (for packets the office itself archived).
    static func readTagFiles(_ file: FileDescriptor, limits: ArchiveLimits) throws(PacketProblem) -> StreamedPacket {
        try read(file, limits: limits, sink: nil) { _ in nil }
    }

    /// Whether `entry` is a document: a file inside the packet folder's `data/`.
    private func isDocument(_ entry: SafeEntry) -> Bool {
        let components = entry.components
        return !entry.isDirectory && components.count >= 3 && components[0] == (root ?? components[0])
            && components[1] == BagIt.payloadDirectory
    }

    private mutating func take(
        _ entry: SafeEntry, pass: Pass, from reader: SafeArchiveReader,
        buffer: UnsafeMutableRawBufferPointer, sink: (any PayloadSink)?
    ) throws {
        let components = entry.components
        if root == nil { root = components[0] }
        let isDocument = isDocument(entry)
        if pass == .documents {
            // The first pass recorded everything else.
            if isDocument {
                try takeDocument(entry, from: reader, buffer: buffer, sink: sink)
            } else if !entry.isDirectory {
                try reader.skip()
            }
            return
        }
        guard components[0] == root else {
            unexpected.append(entry.path)
            if !entry.isDirectory { try reader.skip() }
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
        guard isDocument else {
            unexpected.append(entry.path)
            try reader.skip()
            return
        }
        if pass == .headers {
            payload[inside.joined(separator: "/")] = PayloadEntry(size: entry.size, sha256: nil)
            try reader.skip()
            return
        }
        try takeDocument(entry, from: reader, buffer: buffer, sink: sink)
    }

    /// Whether documents may still go to the sink: the signed metadata allowed them and nothing is wrong so far.
    private var writing: Bool {
        allowance != nil && unexpected.isEmpty && !payload.values.contains { $0.oversized || $0.sha256 == nil }
    }

    /// One document, read within its signed size: hashed, and handed to the sink while nothing is wrong.
    private mutating func takeDocument(
        _ entry: SafeEntry, from reader: SafeArchiveReader, buffer: UnsafeMutableRawBufferPointer,
        sink: (any PayloadSink)?
    ) throws {
        let path = entry.components.dropFirst().joined(separator: "/")
        // Refused already, or not in the signed metadata: not read, not written.
        guard let allowance, let signed = allowance[path] else {
            payload[path] = PayloadEntry(size: entry.size, sha256: nil)
            try reader.skip()
            return
        }
        // Its header announces more than was signed: refused before a byte is read.
        guard entry.size <= signed else {
            payload[path] = PayloadEntry(size: entry.size, sha256: nil, oversized: true)
            try reader.skip()
            return
        }
        let sink = writing ? sink : nil
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        let name = path.split(separator: "/", maxSplits: 1).dropFirst().joined()
        try sink?.begin(name, size: entry.size)
        while true {
            let count = try reader.read(into: buffer)
            if count == 0 { break }
            guard size + Int64(count) <= signed else {
                // More data than its header said and than was signed: stop here, nothing more of it is written.
                try sink?.end()
                payload[path] = PayloadEntry(size: size + Int64(count), sha256: nil, oversized: true)
                try reader.skip()
                return
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(chunk)
            try sink?.write(chunk)
            size += Int64(count)
            if sink != nil { bytesToSink += Int64(count) }
        }
        try sink?.end()
        payload[path] = PayloadEntry(size: size, sha256: hasher.finalize().hexString)
    }
}
