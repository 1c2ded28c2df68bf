import DurableIO

#if canImport(Glibc)
import Glibc
#endif

/// A cheap look at the end of formats whose end is recognisable: a PDF ends with `%%EOF`, a DOCX, XLSX, PPTX,
/// ODF or ZIP file with its end-of-central-directory record. A file that does not is still being copied (or its
/// copy was cut short): it is never taken. The drop is held with a notice in the outbox, and returned to the clerk
/// when it stays incomplete for `watch.incompleteWait` (see `OutboxMonitor`).
enum Completeness {
    /// Whether `name` is of a format whose end is recognisable, and whether that format is PDF.
    static func checks(_ name: RawName) -> (checked: Bool, pdf: Bool) {
        let lower = (name.string ?? "").lowercased()
        if lower.hasSuffix(".pdf") { return (true, true) }
        return (
            ["docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"].contains(where: { lower.hasSuffix("." + $0) }), false
        )
    }

    /// Whether the file at `path` looks finished; true for formats without a recognisable end.
    static func looksComplete(_ path: RawPath, size: Int64) -> Bool {
        guard size > 0 else { return true }
        let lower = (path.string ?? "").lowercased()
        let tail: [UInt8]
        let window: Int
        if lower.hasSuffix(".pdf") {
            tail = Array("%%EOF".utf8)
            window = 2048
        } else if ["docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"].contains(where: { lower.hasSuffix("." + $0) }) {
            tail = [0x50, 0x4B, 0x05, 0x06]
            window = 65_557  // the record plus the longest archive comment
        } else {
            return true
        }
        guard
            let file = try? path.withCString({ name -> FileDescriptor in
                let raw = open(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                guard raw >= 0 else { throw FileError("open", path: "\(path)") }
                return FileDescriptor(raw: raw, path: "\(path)")
            })
        else { return true }
        let length = Int(min(Int64(window), size))
        var bytes = [UInt8](repeating: 0, count: length)
        let read = bytes.withUnsafeMutableBytes { pread(file.raw, $0.baseAddress, length, off_t(size - Int64(length))) }
        guard read == length else { return true }
        return contains(bytes, tail)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in stride(from: haystack.count - needle.count, through: 0, by: -1) where haystack[start] == needle[0]
        {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
