import Archiving
import DurableIO
import Foundation
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// A packet that was written: what it says and how big it is.
public struct BuiltPacket: Sendable {
    /// The metadata inside it.
    public let metadata: PacketMetadata
    /// metadata.json's exact bytes (also the archive's `.json` sidecar).
    public let metadataBytes: [UInt8]
    /// The detached CMS signature over `metadataBytes`.
    public let signature: [UInt8]
    /// Size of the archive file in bytes.
    public let archiveSize: Int64
    /// SHA-256 of the archive file, computed as it was written.
    public let archiveSHA256: String
}

/// Builds signed packets: each document is read once, hashed while it is written into the archive, and
/// memory stays flat whatever the documents' size.
public struct PacketBuilder {
    /// The sending agency.
    public let sender: PacketSender
    /// Signs metadata.json with the agency's key.
    public let signer: CMSSigner
    /// tar (default) or zip.
    public var format: ArchiveFormat
    /// The zone `packedAt` and `Bagging-Date` are written in.
    public var timeZone: TimeZone
    /// The clock; injected in tests.
    public var clock: @Sendable () -> Date
    /// Read size per system call.
    public var chunkSize = 1 << 20
    /// The signer as metadata.json records it, worked out once rather than per packet.
    private let signerRecord: SignerRecord

    public init(
        sender: PacketSender, signer: CMSSigner, format: ArchiveFormat = .tar,
        timeZone: TimeZone = Timestamp.vietnam, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.sender = sender
        self.signer = signer
        self.format = format
        self.timeZone = timeZone
        self.clock = clock
        signerRecord = SignerRecord(
            certificateSha256: signer.certificate.sha256Fingerprint, subject: signer.certificate.subject.description,
            issuer: signer.certificate.issuer.description, serialNumber: signer.certificate.serialNumber)
    }

    /// Writes the packet for `document` and `sources` to `output`, which the caller then syncs and publishes.
    public func build(
        document: ClerkSidecar, sources: [PacketSource], into output: FileDescriptor,
        packetId: PacketID? = nil
    ) throws(PacketBuildError) -> BuiltPacket {
        try check(document: document, sources: sources)
        let now = clock()
        do {
            try signer.certificate.requireValid(at: now)
        } catch {
            throw .signing("\(error)")
        }
        let id = packetId ?? PacketID.make(at: now)
        let root = id.rawValue
        do {
            // Each document is hashed first: the signed metadata lists every document's size and hash and comes
            // before the documents in the archive, so a receiver knows what it may write before it writes anything.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            var files: [PayloadFile] = []
            var identities: [SourceIdentity] = []
            for source in sources {
                let (file, identity) = try digest(source, buffer: buffer)
                files.append(file)
                identities.append(identity)
            }

            let metadata = PacketMetadata(
                packetId: id, document: document, from: sender, files: files,
                packedAt: Timestamp.string(now, in: timeZone), signer: signerRecord)
            let metadataBytes = metadata.bytes
            let signature: [UInt8]
            do {
                signature = try signer.sign(metadataBytes, signingTime: now)
            } catch {
                throw PacketBuildError.signing("\(error)")
            }

            let totalBytes = files.reduce(Int64(0)) { $0 + $1.size }
            let bagInfo = BagIt.bagInfo([
                ("Source-Organization", sender.organName),
                ("Organization-Identifier", sender.organId.rawValue),
                ("External-Identifier", document.numberAndNotation),
                ("External-Description", document.subject),
                ("Internal-Sender-Identifier", id.rawValue),
                ("Bagging-Date", CalendarDate(now, in: timeZone).description),
                ("Bag-Software-Agent", "LienThong"),
                ("Payload-Oxum", "\(totalBytes).\(files.count)"),
            ])
            let manifest = BagIt.manifest(files.map { ("\(BagIt.payloadDirectory)/\($0.name)", $0.sha256) })
            let tagFiles: [(String, [UInt8])] = [
                (BagIt.declarationName, BagIt.declaration),
                (BagIt.bagInfoName, bagInfo),
                (BagIt.manifestName, manifest),
                (PacketLayout.metadataName, metadataBytes),
                (PacketLayout.signatureName, signature),
            ]
            let tagManifest = BagIt.manifest(tagFiles.map { ($0.0, SHA256Hasher.hex(of: $0.1)) })
            let contents = Dictionary(uniqueKeysWithValues: tagFiles + [(BagIt.tagManifestName, tagManifest)])

            // The entries in the order of PacketLayout.entryOrder: the signed metadata and its signature first,
            // then BagIt's tag files, then the documents.
            let archiveHasher = SHA256Hasher()
            let writer = try ArchiveWriter(fileDescriptor: output.raw, format: format) { archiveHasher.update($0) }
            try writer.addDirectory(root, modified: now)
            for name in PacketLayout.entryOrder {
                try writer.addFile("\(root)/\(name)", contents: contents[name] ?? [], modified: now)
            }
            try writer.addDirectory("\(root)/\(BagIt.payloadDirectory)", modified: now)
            for ((source, file), identity) in zip(zip(sources, files), identities) {
                try copy(
                    source, as: file, identity: identity, into: writer,
                    at: "\(root)/\(BagIt.payloadDirectory)/\(source.name)", buffer: buffer)
            }
            try writer.finish()
            return BuiltPacket(
                metadata: metadata, metadataBytes: metadataBytes, signature: signature,
                archiveSize: writer.bytesWritten, archiveSHA256: archiveHasher.finalize().hexString)
        } catch let error as PacketBuildError {
            throw error
        } catch let error as ArchiveError {
            if case .sizeMismatch(let path, _, _) = error { throw .changedWhilePacking(path) }
            throw .archive(error)
        } catch let error as FileError {
            throw .unreadable(error)
        } catch {
            throw .archive(.library(operation: "build", code: -1, message: "\(error)"))
        }
    }

    /// Names, recipients: everything that can be refused before a byte is written.
    private func check(document: ClerkSidecar, sources: [PacketSource]) throws(PacketBuildError) {
        guard !sources.isEmpty else { throw .noDocuments }
        var seen: Set<String> = []
        for source in sources {
            if let problem = PortableName.problem(with: source.name) { throw .badFileName(source.name, problem) }
            guard seen.insert(source.name.lowercased()).inserted else { throw .duplicateFileName(source.name) }
        }
        if document.to.contains(sender.organId) {
            throw .sidecar(SidecarRejection([SidecarMessages.recipientIsSender(sender.organId)]))
        }
    }

    /// What identifies a document's file between its two reads.
    private struct SourceIdentity: Equatable {
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int

        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modifiedSeconds = Int(status.st_mtim.tv_sec)
            modifiedNanoseconds = Int(status.st_mtim.tv_nsec)
        }
    }

    private func open(_ source: PacketSource) throws -> FileDescriptor {
        do {
            return try FileDescriptor.openRegularFileForReading(source.path)
        } catch let error as FileError where error.code == ELOOP || error.code == EINVAL {
            throw PacketBuildError.notRegularFile(source.path)
        }
    }

    /// Hashes one document (its first read); refuses a file that changes meanwhile.
    private func digest(_ source: PacketSource, buffer: UnsafeMutableRawBufferPointer) throws -> (
        PayloadFile, SourceIdentity
    ) {
        let file = try open(source)
        let before = SourceIdentity(try file.status())
        file.adviseSequential()
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        while true {
            let count = try file.read(into: buffer)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            size += Int64(count)
        }
        guard SourceIdentity(try file.status()) == before, size == before.size else {
            throw PacketBuildError.changedWhilePacking(source.path)
        }
        return (
            PayloadFile(
                name: source.name, size: size, sha256: hasher.finalize().hexString,
                mediaType: MediaType.forFileName(source.name)), before
        )
    }

    /// Streams one document into the archive (its second read), hashing it again on the way: a file that is not
    /// byte for byte the one the signed metadata describes is refused.
    private func copy(
        _ source: PacketSource, as signed: PayloadFile, identity: SourceIdentity, into writer: ArchiveWriter,
        at path: String, buffer: UnsafeMutableRawBufferPointer
    ) throws {
        let file = try open(source)
        guard SourceIdentity(try file.status()) == identity else {
            throw PacketBuildError.changedWhilePacking(source.path)
        }
        file.adviseSequential()
        let hasher = SHA256Hasher()
        try writer.addFile(
            path, size: signed.size, modified: Date(timeIntervalSince1970: TimeInterval(identity.modifiedSeconds))
        ) { write in
            while true {
                let count = try file.read(into: buffer)
                if count == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                hasher.update(chunk)
                try write(chunk)
            }
        }
        guard SourceIdentity(try file.status()) == identity, hasher.finalize().hexString == signed.sha256 else {
            throw PacketBuildError.changedWhilePacking(source.path)
        }
    }
}
