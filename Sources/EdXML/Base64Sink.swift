import DurableIO
import Foundation
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// Base64 text arriving in pieces (as an XML parser hands a long text node over), decoded by Foundation's decoder a
/// block of whole quanta at a time and written to a file while it is hashed: constant memory whatever the size.
/// Whitespace (line breaks some senders put in) is passed over; padding may only end the text.
final class Base64Sink {
    let path: String
    private let file: FileDescriptor
    private let hasher = SHA256Hasher()
    private var pending: [UInt8] = []
    private var padded = false
    private(set) var size: Int64 = 0
    private(set) var failed = false
    /// Text decoded a block at a time: 256 KiB of base64, 192 KiB written.
    private static let block = 1 << 18

    init(path: String) throws {
        self.path = path
        file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        pending.reserveCapacity(Self.block + 4096)
    }

    /// Takes a piece of the text; false once it is not base64.
    func feed(_ text: String) throws -> Bool {
        guard !failed else { return false }
        var text = text
        var padded = self.padded
        // Scanned in a local buffer (no exclusivity check per byte on the object's own), then appended at once.
        let kept: [UInt8]? = text.withUTF8 { bytes in
            var kept: [UInt8] = []
            kept.reserveCapacity(bytes.count)
            for byte in bytes {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
                case UInt8(ascii: "="): padded = true
                default: if padded { return nil }  // data after the padding
                }
                kept.append(byte)
            }
            return kept
        }
        self.padded = padded
        guard let kept else {
            failed = true
            return false
        }
        pending.append(contentsOf: kept)
        if pending.count >= Self.block { try decode(upTo: pending.count - pending.count % 4) }
        return !failed
    }

    /// Decodes what is left; false when it is not whole base64.
    func finish() throws -> (sha256: String, size: Int64)? {
        defer { try? file.close() }
        guard !failed, pending.count % 4 == 0 else { return nil }
        try decode(upTo: pending.count)
        guard !failed else { return nil }
        return (hasher.finalize().hexString, size)
    }

    private func decode(upTo count: Int) throws {
        guard count > 0 else { return }
        guard let bytes = Data(base64Encoded: Data(pending[..<count])) else {
            failed = true
            return
        }
        try bytes.withUnsafeBytes { raw in
            hasher.update(raw)
            try file.write(raw)
        }
        size += Int64(bytes.count)
        pending.removeFirst(count)
    }
}
