import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// Inspects documents for embedded signatures: each PDF signature (`/ByteRange`, `/Contents`) is verified with
/// OpenSSL over the signed byte ranges, streamed, and its signer's chain checked against the trust store at the
/// signing time. A document is `signed` when a valid signature covers the whole file, `reference-only` otherwise.
public struct LegalInspector: Sendable {
    public let trust: TrustStore

    public init(trust: TrustStore) {
        self.trust = trust
    }

    /// The legal value of the document at `path`, known in the packet as `name`.
    public func inspect(path: String, name: String) -> DocumentLegality {
        guard name.lowercased().hasSuffix(".pdf") else {
            return referenceOnly(
                name, [], vi: "Không phải tệp PDF có chữ ký số.", en: "Not a PDF with a digital signature.")
        }
        let file: FileDescriptor
        let size: Int64
        let ranges: [PDFByteRange]
        do {
            file = try FileDescriptor.openRegularFileForReading(path)
            size = Int64(try file.status().st_size)
            ranges = try PDFSignatureScanner.byteRanges(file)
        } catch {
            return referenceOnly(name, [], vi: "Không đọc được tệp.", en: "The file cannot be read: \(error).")
        }
        guard !ranges.isEmpty else {
            return referenceOnly(
                name, [], vi: "Văn bản không có chữ ký số.", en: "The document has no digital signature.")
        }
        let checks = ranges.map { check($0, in: file, size: size) }
        if let last = checks.last, last.valid {
            return DocumentLegality(name: name, status: .signed, signatures: checks, reason: nil)
        }
        let problem = checks.last?.problem ?? "invalid signature"
        if problem.contains("after") {
            return referenceOnly(
                name, checks, vi: "Văn bản đã bị sửa sau khi ký số.",
                en: "The document was altered after it was signed.")
        }
        return referenceOnly(
            name, checks, vi: "Chữ ký số không hợp lệ: \(problem).", en: "The digital signature is invalid: \(problem)."
        )
    }

    private func referenceOnly(_ name: String, _ checks: [PDFSignatureCheck], vi: String, en: String)
        -> DocumentLegality
    {
        DocumentLegality(name: name, status: .referenceOnly, signatures: checks, reason: Bilingual(vi: vi, en: en))
    }

    /// One signature: the signed ranges' digest against the signed messageDigest, the signature, the chain.
    private func check(_ range: PDFByteRange, in file: FileDescriptor, size: Int64) -> PDFSignatureCheck {
        func failed(_ problem: String, signer: String? = nil, at: String? = nil) -> PDFSignatureCheck {
            PDFSignatureCheck(signer: signer, signedAt: at, valid: false, problem: problem)
        }
        guard range.start1 == 0, range.length1 > 0, range.contents.lowerBound < range.contents.upperBound,
            range.start2 + range.length2 <= size, range.contents.count <= 1 << 20
        else {
            return failed("a malformed byte range")
        }
        do {
            let hex = try read(file, range.contents)
            guard hex.first == UInt8(ascii: "<"), hex.last == UInt8(ascii: ">"),
                let der = Self.decodeHex(hex.dropFirst().dropLast())
            else {
                return failed("a malformed signature value")
            }
            let signature = try CMSSignature(der: der)
            let digester = try signature.contentDigester()
            try stream(file, range.start1..<(range.start1 + range.length1), into: digester)
            try stream(file, range.start2..<(range.start2 + range.length2), into: digester)
            let certificate = try signature.verify(contentDigest: digester.finalize())
            let signer = certificate.subject["CN"] ?? certificate.subject.description
            let time = signature.signingTime ?? Date()
            let at = Timestamp.string(time)
            try trust.verify(
                certificate, intermediates: signature.embeddedCertificates, at: time, revocation: .whenAvailable)
            // Bytes after the signed revision mean the document was changed after this signature.
            guard range.start2 + range.length2 == size else {
                return failed("content was added after signing", signer: signer, at: at)
            }
            return PDFSignatureCheck(signer: signer, signedAt: at, valid: true, problem: nil)
        } catch let problem as SignatureProblem {
            if case .mismatch = problem { return failed("the document was altered after signing") }
            return failed("\(problem)")
        } catch let problem as ChainProblem {
            return failed("\(problem)")
        } catch {
            return failed("\(error)")
        }
    }

    private func read(_ file: FileDescriptor, _ range: Range<Int64>) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(range.count))
        let count = bytes.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, $0.count, off_t(range.lowerBound)) }
        guard count == bytes.count else { throw FileError("pread", path: file.path, code: EIO) }
        return bytes
    }

    private func stream(_ file: FileDescriptor, _ range: Range<Int64>, into digester: Digester) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var position = range.lowerBound
        while position < range.upperBound {
            let wanted = Int(min(Int64(buffer.count), range.upperBound - position))
            let count = pread(file.raw, buffer.baseAddress, wanted, off_t(position))
            guard count > 0 else { throw FileError("pread", path: file.path, code: EIO) }
            digester.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            position += Int64(count)
        }
    }

    /// Hex digits (whitespace ignored) to bytes; a signature's trailing zero padding is kept (DER ignores it).
    static func decodeHex(_ hex: ArraySlice<UInt8>) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var high: UInt8?
        for character in hex {
            let value: UInt8
            switch character {
            case 0x30...0x39: value = character - 0x30
            case 0x41...0x46: value = character - 0x41 + 10
            case 0x61...0x66: value = character - 0x61 + 10
            case 0x20, 0x0A, 0x0D, 0x09: continue
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        // Drop the zero padding after the DER structure so the parser sees exactly one object.
        if bytes.count > 4, bytes[0] == 0x30 {
            let length: Int
            if bytes[1] & 0x80 == 0 {
                length = Int(bytes[1]) + 2
            } else {
                let octets = Int(bytes[1] & 0x7F)
                guard octets <= 4, bytes.count > 2 + octets else { return bytes }
                length = bytes[2..<(2 + octets)].reduce(0) { $0 << 8 | Int($1) } + 2 + octets
            }
            if length <= bytes.count { bytes = Array(bytes.prefix(length)) }
        }
        return bytes
    }
}
