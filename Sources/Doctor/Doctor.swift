import Foundation
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// The folder given is not a spool at all (`lienthong doctor` exits 2).
public struct NotASpool: Error, Sendable, CustomStringConvertible {
    public let path: String
    public var description: String {
        "\(path) không phải là thư mục spool của LienThong / is not a LienThong spool (run `lienthong init --spool \(path)` first)"
    }
}

/// `lienthong doctor`: every check an admin wants after installing or changing anything, read-only.
///
/// Doctor never modifies the spool: configuration and keys are only read, the index is opened read-only (nothing
/// created beside it), nothing is appended to the journal, and the only file it writes is a hidden probe file in
/// each configured inbox, removed at once (root bypasses file modes, so only a real write shows a read-only share).
public struct Doctor: Sendable {
    /// The check families run by default, in order.
    ///
    /// Extension point: a family added elsewhere (the templates check of `lienthong templates check`) is appended
    /// to this list (or to `checks` of one `Doctor`); nothing else needs to change.
    public static let standardChecks: [any DoctorCheck] = [
        ConfigurationCheck(),
        LayoutCheck(),
        CertificateCheck(),
        TrustCheck(),
        InboxCheck(),
        FreeSpaceCheck(),
        JournalCheck(),
        IndexCheck(),
        RotationCheck(),
        RecordsCheck(),
        BackupCheck(),
        TemplatesCheck(),
    ]

    public let spool: SpoolLayout
    public var settings: DoctorSettings
    public var checks: [any DoctorCheck]

    public init(
        spool: SpoolLayout, settings: DoctorSettings = DoctorSettings(),
        checks: [any DoctorCheck] = Doctor.standardChecks
    ) {
        self.spool = spool
        self.settings = settings
        self.checks = checks
    }

    /// Runs every check family; throws `NotASpool` when the folder is missing or holds none of office.yaml,
    /// agencies/ and state/.
    public func run() throws(NotASpool) -> DoctorReport {
        var info = stat()
        guard stat(spool.root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
            [spool.officeConfig, spool.agencies, spool.state].contains(where: { (path: String) in
                access(path, F_OK) == 0
            })
        else {
            throw NotASpool(path: spool.root)
        }
        let context = DoctorContext(spool: spool, settings: settings)
        var findings: [Finding] = []
        for check in checks {
            for var finding in check.run(context) {
                finding.check = check.family
                findings.append(finding)
            }
        }
        return DoctorReport(spool: spool.root, findings: findings)
    }
}
