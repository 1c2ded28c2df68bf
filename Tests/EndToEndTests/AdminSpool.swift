import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What the admin tests do to a demo spool, as an admin would from a shell.
extension OfficeSpool {
    /// `lienthong ARGS --spool ROOT`.
    func admin(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        try CLI.lienthong(arguments + ["--spool", root], stdin: stdin)
    }

    /// Points an agency's `inbox:` at `path` (a share), by editing agency.yaml as an admin would.
    func setInbox(_ code: String, _ path: String) throws {
        let file = root + "/agencies/\(code)/agency.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + (text.hasSuffix("\n") ? "" : "\n") + "inbox: \(path)\n").write(
            toFile: file, atomically: true, encoding: .utf8)
    }

    /// The demo CA signs `request` (a CSR `agency add` made) with the `openssl` program, as an outside CA would.
    func issue(_ request: String, label: String) throws -> String {
        let extensions = directory.file("\(label)-ext.cnf")
        try """
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, nonRepudiation
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        """.write(toFile: extensions, atomically: true, encoding: .utf8)
        let output = directory.file("\(label).pem")
        let result = try ProcessRunner.run(
            "openssl",
            [
                "x509", "-req", "-in", request, "-CA", root + "/trust/ca/lienthong-demo-root-ca.pem", "-CAkey",
                root + "/state/demo-ca/ca-key.pem", "-days", "365", "-extfile", extensions, "-out", output,
            ])
        guard result.status == 0 else { throw ProcessError.failed("openssl x509 -req", result) }
        return output
    }

    /// A new key and a certificate for `code` from the demo CA, made by the `openssl` program.
    func newCredentials(_ code: String, name: String, label: String) throws -> (certificate: String, key: String) {
        let key = directory.file("\(label).key")
        let request = directory.file("\(label).csr")
        let made = try ProcessRunner.run(
            "openssl",
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", request, "-utf8", "-subj", "/C=VN/O=\(name)/UID=\(code)/CN=\(name)",
            ])
        guard made.status == 0 else { throw ProcessError.failed("openssl req", made) }
        chmod(key, 0o600)
        return (try issue(request, label: label), key)
    }

    /// SHA-256 over every path, kind, mode, size and content under the spool (and `extra` folders): equal before
    /// and after means nothing changed.
    func treeHash(_ extra: [String] = []) throws -> String {
        let result = try ProcessRunner.run(
            "sh",
            [
                "-c",
                "cd / && find \"$@\" -printf '%p %y %m %s\\n' | LC_ALL=C sort && find \"$@\" -type f -print0 "
                    + "| LC_ALL=C sort -z | xargs -0 sha256sum",
                "tree",
            ] + [root] + extra)
        guard result.status == 0 else { throw ProcessError.failed("tree hash", result) }
        return result.stdout
    }

    /// The same over one folder only.
    func folderHash(_ folder: String) throws -> String {
        let result = try ProcessRunner.run(
            "sh",
            [
                "-c",
                "cd \"$1\" && find . -printf '%p %y %m %s\\n' | LC_ALL=C sort && find . -type f -print0 "
                    + "| LC_ALL=C sort -z | xargs -0 -r sha256sum",
                "folder", folder,
            ])
        guard result.status == 0 else { throw ProcessError.failed("folder hash", result) }
        return result.stdout
    }

    /// The journal's records of one kind.
    func records(_ event: String) -> [[String: Any]] {
        journal().filter { ($0["event"] as? String) == event }
    }

    /// Packet folders in a folder (delivered packets), by name.
    func packets(_ folder: String) -> [String] {
        visible(folder).filter { $0.first?.isNumber == true && !$0.hasSuffix(".txt") }
    }
}
