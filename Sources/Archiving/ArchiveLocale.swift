import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// libarchive converts entry names through the process locale's character set. Under the `C` or `POSIX`
/// locale (a systemd service, a CI job) it cannot represent Vietnamese names at all, so before the first archive
/// is opened the character-type locale is switched to `C.UTF-8` unless it is UTF-8 already. Only `LC_CTYPE`
/// changes: messages, numbers and dates keep the process's own locale.
enum ArchiveLocale {
    private static let done = Mutex(false)

    static func ensureUTF8() {
        done.withLock { done in
            guard !done else { return }
            done = true
            _ = setlocale(LC_CTYPE, "")
            let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
            if codeset.uppercased().replacingOccurrences(of: "-", with: "") != "UTF8" {
                _ = setlocale(LC_CTYPE, "C.UTF-8")
            }
        }
    }
}
