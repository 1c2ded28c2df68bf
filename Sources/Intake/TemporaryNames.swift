import DurableIO

/// Names of files that are still being written or that an editor keeps beside a document (DESIGN.md, "Clerk
/// input"): they are never taken, never moved.
public enum TemporaryNames {
    /// Whether `name` looks temporary: a dot-file, `*.part`, `*.tmp`, `~$*` (Word's lock), `.~lock*` (LibreOffice's),
    /// `Thumbs.db`, `desktop.ini`, and the partial names browsers and copy tools use.
    public static func isTemporary(_ name: RawName) -> Bool {
        if name.isHidden { return true }
        let lower = (name.string ?? String(decoding: name.bytes, as: UTF8.self)).lowercased()
        if lower.hasPrefix("~$") || lower == "thumbs.db" || lower == "desktop.ini" { return true }
        for suffix in [".part", ".tmp", ".crdownload", ".partial", ".download", ".filepart", "~"]
        where lower.hasSuffix(suffix) {
            return true
        }
        return false
    }
}
