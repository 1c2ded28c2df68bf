import DurableIO
import Foundation
import Packets
import Signing

#if canImport(Glibc)
import Glibc
#endif

/// Creates a spool's layout, and with `demo` a demo PKI and demo agencies, leaving what exists untouched.
public struct SpoolInitializer {
    public let spool: SpoolLayout
    /// The clock used for certificate validity.
    public var clock: () -> Date = { Date() }

    public init(spool: SpoolLayout) {
        self.spool = spool
    }

    /// Creates what is missing; returns what was created, as spool-relative paths, for the admin to read.
    @discardableResult
    public func run(demo: Bool) throws -> [String] {
        var created: [String] = []
        for directory in [
            spool.root, spool.trustAnchors, spool.revocationLists, spool.agencies, spool.archive, spool.fallback,
        ] {
            if try makeDirectory(directory, mode: 0o755) { created.append(relative(directory)) }
        }
        // state/ holds keys, the journal and staging: only the office's own user may enter it.
        for directory in [spool.state, spool.keys] {
            if try makeDirectory(directory, mode: 0o700) { created.append(relative(directory)) }
            chmod(directory, 0o700)
        }
        if access(spool.officeConfig, F_OK) != 0 {
            try Durable.writeFile(at: spool.officeConfig, bytes: Array(OfficeDefaults.officeYAML.utf8))
            created.append(relative(spool.officeConfig))
        }
        if demo { created += try DemoPKI(spool: spool, clock: clock).install() }
        return created
    }

    private func makeDirectory(_ path: String, mode: mode_t) throws -> Bool {
        guard access(path, F_OK) != 0 else { return false }
        try Durable.makeDirectories(path, mode: mode)
        return true
    }

    private func relative(_ path: String) -> String {
        path == spool.root ? "." : String(path.dropFirst(spool.root.count + 1))
    }
}
