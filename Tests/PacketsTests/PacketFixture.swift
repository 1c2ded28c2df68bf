import Archiving
import DurableIO
import Foundation
import Packets
import Signing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A sender, a PKI and a folder to build packets in.
struct PacketFixture {
    let pki: TestPKI
    let sender: TestSigner
    let directory = TemporaryDirectory()
    static let senderCode = "000.00.00.H53"

    init(pki: TestPKI? = nil, sender: TestSigner? = nil) throws {
        let pki = try pki ?? TestPKI()
        self.pki = pki
        self.sender = try sender ?? pki.signer(code: Self.senderCode, name: "Ủy ban nhân dân tỉnh Thái Bình")
    }

    func builder(
        format: ArchiveFormat = .tar, signer: TestSigner? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> PacketBuilder {
        let signer = signer ?? sender
        return PacketBuilder(
            sender: PacketSender(organId: AgencyCode(Self.senderCode)!, organName: "Ủy ban nhân dân tỉnh Thái Bình"),
            signer: try CMSSigner(key: signer.key, certificate: signer.certificate), format: format, clock: clock)
    }

    /// Builds a packet of two documents; returns its path.
    @discardableResult
    func build(
        _ name: String = "P.tar", builder: PacketBuilder? = nil, files: [(String, [UInt8])]? = nil,
        sidecar: String = Fixtures.sidecar()
    ) throws -> String {
        let builder = try builder ?? self.builder(format: ArchiveFormat(fileName: name) ?? .tar)
        let documents =
            files ?? [("Quyết định 125.pdf", Array("%PDF-1.7 quyết định\n".utf8)), ("Phụ lục.docx", [1, 2, 3])]
        let sources = try documents.map {
            PacketSource(path: try directory.write("src-\(UUID().uuidString)/\($0.0)", $0.1))
        }
        let document = try SidecarParser().parse(Array(sidecar.utf8))
        let output = directory.file(name)
        try Durable.writeFile(at: output, replace: true) { descriptor in
            _ = try builder.build(document: document, sources: sources, into: descriptor)
        }
        return output
    }

    func verifier(revocationLists: [String] = [], identity: SenderIdentity = .certificateNamesAgency) throws
        -> PacketVerifier
    {
        PacketVerifier(
            trust: try TrustStore.load(anchorPaths: [pki.rootPath], revocationListPaths: revocationLists),
            senderIdentity: identity)
    }

    func verify(_ path: String, revocationLists: [String] = [], identity: SenderIdentity = .certificateNamesAgency)
        throws -> VerificationReport
    {
        try verifier(revocationLists: revocationLists, identity: identity).verify(path: path)
    }
}

/// Rewrites an archive entry by entry with LienThong's own reader and writer (tests of the verifier's logic;
/// the end-to-end suite crafts hostile archives with outside tools instead).
enum Repack {
    struct Entry {
        var path: String
        var bytes: [UInt8]
        var isDirectory: Bool
    }

    static func entries(_ path: String) throws -> [Entry] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let reader = try ArchiveReader(fileDescriptor: fd)
        var entries: [Entry] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while let entry = try reader.next() {
            var bytes: [UInt8] = []
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                bytes += buffer.prefix(count)
            }
            entries.append(Entry(path: entry.path!, bytes: bytes, isDirectory: entry.kind == .directory))
        }
        return entries
    }

    static func write(_ entries: [Entry], to path: String, format: ArchiveFormat = .tar) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let writer = try ArchiveWriter(fileDescriptor: fd, format: format)
        for entry in entries {
            if entry.isDirectory {
                try writer.addDirectory(entry.path, modified: Date())
            } else {
                try writer.addFile(entry.path, contents: entry.bytes, modified: Date())
            }
        }
        try writer.finish()
    }

    /// Applies `change` to the entries of `source` and writes the result next to it.
    static func edit(_ source: String, _ change: (inout [Entry]) throws -> Void) throws -> String {
        var all = try entries(source)
        try change(&all)
        let output = source + ".edited.tar"
        try write(all, to: output)
        return output
    }
}

extension Array where Element == Repack.Entry {
    /// The entry whose path ends with `suffix`.
    func index(_ suffix: String) -> Int { firstIndex { $0.path.hasSuffix(suffix) }! }
}
