import DurableIO

#if canImport(Glibc)
import Glibc
#endif

/// One signature dictionary of a PDF, as its `/ByteRange` describes it: the signed bytes are
/// `[start1, start1 + length1)` and `[start2, start2 + length2)`; the gap between them holds `/Contents <hex>`.
public struct PDFByteRange: Sendable, Equatable {
    public let start1: Int64
    public let length1: Int64
    public let start2: Int64
    public let length2: Int64

    /// Where the hex-encoded signature lies (the gap, `<` and `>` included).
    public var contents: Range<Int64> { (start1 + length1)..<start2 }
}

/// Finds the signatures of a PDF by reading it once, in chunks, looking for `/ByteRange [a b c d]`: memory stays
/// small whatever the file's size.
public enum PDFSignatureScanner {
    static let marker = Array("/ByteRange".utf8)

    /// Every well-formed byte range in the file, in file order.
    public static func byteRanges(_ file: FileDescriptor) throws -> [PDFByteRange] {
        var ranges: [PDFByteRange] = []
        let chunk = 1 << 20
        let overlap = 256
        var buffer = [UInt8](repeating: 0, count: chunk + overlap)
        var carried = 0
        var offset: Int64 = 0  // file offset of buffer[0]
        while true {
            let read = try buffer.withUnsafeMutableBytes { raw in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[carried..<(carried + chunk)]))
            }
            let filled = carried + read
            var searchFrom = 0
            while let found = find(marker, in: buffer, from: searchFrom, to: filled) {
                searchFrom = found + marker.count
                if let range = parse(buffer, from: searchFrom, to: filled) { ranges.append(range) }
            }
            if read == 0 { break }
            // Keep the tail, so a marker cut by the chunk boundary is found in the next round.
            let keep = min(overlap, filled)
            for index in 0..<keep { buffer[index] = buffer[filled - keep + index] }
            offset += Int64(filled - keep)
            carried = keep
            if read < chunk && read == 0 { break }
        }
        var unique: [PDFByteRange] = []
        for range in ranges where !unique.contains(range) { unique.append(range) }
        return unique
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, to: Int) -> Int? {
        guard to - from >= needle.count else { return nil }
        var index = from
        while index <= to - needle.count {
            if haystack[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// `[ a b c d ]` after the marker.
    private static func parse(_ bytes: [UInt8], from start: Int, to end: Int) -> PDFByteRange? {
        var index = start
        func skipSpace() {
            while index < end, [0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00].contains(bytes[index]) { index += 1 }
        }
        skipSpace()
        guard index < end, bytes[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        var numbers: [Int64] = []
        for _ in 0..<4 {
            skipSpace()
            var value: Int64 = 0
            var digits = 0
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 18 {
                value = value * 10 + Int64(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
            numbers.append(value)
        }
        skipSpace()
        guard index < end, bytes[index] == UInt8(ascii: "]") else { return nil }
        return PDFByteRange(start1: numbers[0], length1: numbers[1], start2: numbers[2], length2: numbers[3])
    }
}
