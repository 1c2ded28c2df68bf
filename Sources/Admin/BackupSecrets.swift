import DurableIO
import Foundation
import Signing
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// The private keys (and key passphrase files) a backup carries with `--include-keys`: each sealed on its own as
/// CMS EnvelopedData under the backup's passphrase (`PasswordEnvelope`), stored as `secrets/<path>.p7m` — the
/// spool-relative path for a file inside the spool, `secrets/outside/<absolute path>.p7m` for one outside it. The
/// original bytes come back on restore whatever the key's own format (plain PEM, or encrypted under its own
/// passphrase).
enum BackupSecrets {
    static let folder = "secrets"
    static let outside = "secrets/outside"
    static let suffix = ".p7m"
    /// A passphrase shorter than this is refused: the backup's keys are as safe as it is.
    static let minimumPassphrase = 12

    /// What is secret in `spool`: every file under `state/keys/` and `state/demo-ca/`, and each agency's key and
    /// passphrase file wherever it is. Absolute source paths paired with where each is stored in the backup.
    static func files(in spool: SpoolLayout, directory: AgencyDirectory) throws -> [(source: String, stored: String)] {
        var sources: [String] = []
        for relative in ["state/keys", "state/demo-ca"] {
            sources += try Backup.files(under: relative, in: spool.root) { _ in true }.map { spool.path($0) }
        }
        for config in directory.agencies.values {
            if let key = config.keyPath { sources.append(key) }
            if case .file(let path) = config.passphrase { sources.append(path) }
        }
        var seen: Set<String> = []
        return sources.compactMap { source in
            guard seen.insert(source).inserted, access(source, F_OK) == 0 else { return nil }
            return (source, stored(for: source, in: spool))
        }.sorted { $0.stored < $1.stored }
    }

    static func stored(for path: String, in spool: SpoolLayout) -> String {
        let relative = spool.relative(path)
        if relative != path && !relative.split(separator: "/").contains("..") {
            return folder + "/" + relative + suffix
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return outside + (absolute as NSString).standardizingPath + suffix
    }

    /// Where a stored secret goes back in the restored spool `root`: its own place when it was inside the spool;
    /// under `state/restored-keys/` when it was outside (never written outside the new spool), with the path the
    /// agency's configuration names.
    static func restored(_ stored: String, root: String) -> (path: String, original: String?) {
        let bare = String(stored.dropLast(suffix.count))
        if bare.hasPrefix(outside + "/") {
            let original = String(bare.dropFirst(outside.count))
            return (root + "/state/restored-keys" + original, original)
        }
        return (root + "/" + bare.dropFirst(folder.count + 1), nil)
    }

    /// The passphrase from `source`, refused when missing or too short.
    static func passphrase(_ source: PassphraseSource) throws -> [UInt8] {
        guard let bytes = try source.resolve(), bytes.count >= minimumPassphrase else {
            throw AdminRefusal(
                vi: "mật khẩu bảo vệ khoá phải dài ít nhất \(minimumPassphrase) ký tự.",
                en: "the passphrase that protects the keys must be at least \(minimumPassphrase) characters long.",
                advice: "Ghi mật khẩu vào dòng đầu của tệp (chỉ chủ sở hữu đọc được) — write it on the first line "
                    + "of a file only its owner can read, and give --passphrase-file FILE.")
        }
        return bytes
    }
}
