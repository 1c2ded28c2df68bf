import Foundation
import Packets
import Signing

/// One agency's settings, from `agencies/<code>/agency.yaml`.
///
/// ```yaml
/// name: Sở Nội vụ tỉnh Thái Bình
/// certificate: agencies/000.00.02.H53/certificate.pem   # relative to the spool, or absolute
/// previousCertificates: []          # older certificates, still accepted for packets they signed
/// key: state/keys/000.00.02.H53.pem  # never where clerks can reach it
/// keyPassphraseFile: state/keys/000.00.02.H53.pass   # optional, for an encrypted key
/// inbox: /mnt/snv/inbox             # optional: deliver to a mounted share instead
/// certificateRequest: state/requests/000.00.02.H53.csr.pem   # a CSR waiting for the CA (agency add without --cert)
/// formerNames / formerCodes / retired: its past (`AgencyLifecycle.swift`), written by `lienthong agency …`
/// revoked: [{ certificate: <sha256>, since: …, reason: keyCompromise }]   # `lienthong cert revoke`
/// ```
public struct AgencyConfig: Sendable, Equatable {
    public let code: AgencyCode
    /// The agency's name, NFC.
    public let name: String
    /// Absolute path of the agency's current certificate.
    public let certificatePath: String
    /// Absolute paths of certificates the agency used before (rotation).
    public let previousCertificatePaths: [String]
    /// Absolute path of the private key, when this office signs for the agency.
    public let keyPath: String?
    /// Where the key's passphrase comes from, when the key is encrypted.
    public let passphrase: PassphraseSource?
    /// A delivery folder elsewhere (a mounted share), absolute; nil means `agencies/<code>/inbox`.
    public let inbox: String?
    /// A certificate signing request waiting for the CA, when the office made the agency's key (`agency add`).
    public let certificateRequestPath: String?
    /// Names the agency had before, oldest first.
    public let formerNames: [FormerName]
    /// Codes the agency was known by before.
    public let formerCodes: [AgencyCode]
    /// When the agency retired (or will), and its successor.
    public let retirement: Retirement?
    /// Certificates of this agency the office revoked.
    public let revocations: [LocalRevocation]

    static let keys: Set<String> = [
        "code", "name", "certificate", "previousCertificates", "key", "keyPassphraseFile",
        "keyPassphraseEnv", "inbox", "demo", "certificateRequest", "formerNames", "formerCodes", "retired",
        "revoked",
    ]

    /// Reads an agency's configuration.
    public static func load(_ code: AgencyCode, in spool: SpoolLayout) throws(ConfigError) -> AgencyConfig {
        try parse(ConfigNode.load(file: spool.agencyConfig(code)), code: code, in: spool)
    }

    /// Reads an agency's configuration from its parsed file.
    static func parse(_ root: ConfigNode, code: AgencyCode, in spool: SpoolLayout) throws(ConfigError) -> AgencyConfig {
        let members = try root.mapping(allowed: keys)
        if let declared = members["code"] {
            guard try declared.string() == code.rawValue else {
                throw declared.error("the code \(try declared.string()) differs from the folder name \(code)")
            }
        }
        guard let nameNode = members["name"] else { throw root.error("missing key name") }
        let name = try nameNode.string()
        guard !name.isEmpty else { throw nameNode.error("the name is empty") }
        guard let certificateNode = members["certificate"] else { throw root.error("missing key certificate") }
        let certificate = spool.path(try certificateNode.string())
        let previous =
            try members["previousCertificates"].map { node throws(ConfigError) in
                try node.list().map { item throws(ConfigError) in spool.path(try item.string()) }
            } ?? []
        let key = try members["key"].map { node throws(ConfigError) in spool.path(try node.string()) }
        var passphrase: PassphraseSource?
        if let file = members["keyPassphraseFile"] { passphrase = .file(spool.path(try file.string())) }
        if let variable = members["keyPassphraseEnv"] { passphrase = .environment(try variable.string()) }
        let inbox = try members["inbox"].map { node throws(ConfigError) in spool.path(try node.string()) }
        let request = try members["certificateRequest"].map { node throws(ConfigError) in
            spool.path(try node.string())
        }
        let formerNames =
            try members["formerNames"].map { node throws(ConfigError) in
                try node.list().map { item throws(ConfigError) -> FormerName in
                    let fields = try item.mapping(allowed: ["name", "until"])
                    guard let name = fields["name"], let until = fields["until"] else {
                        throw item.error("a former name needs name and until")
                    }
                    return FormerName(name: try name.string(), until: try until.instant())
                }
            } ?? []
        let formerCodes =
            try members["formerCodes"].map { node throws(ConfigError) in
                try node.list().map { item throws(ConfigError) in try item.agencyCode() }
            } ?? []
        let retirement = try members["retired"].map { node throws(ConfigError) -> Retirement in
            let fields = try node.mapping(allowed: ["at", "successor"])
            guard let at = fields["at"] else { throw node.error("missing key at") }
            let successor = try fields["successor"].map { item throws(ConfigError) in try item.agencyCode() }
            if successor == code { throw node.error("an agency cannot be its own successor") }
            return Retirement(at: try at.instant(), successor: successor)
        }
        let revocations =
            try members["revoked"].map { node throws(ConfigError) in
                try node.list().map { item throws(ConfigError) -> LocalRevocation in
                    let fields = try item.mapping(allowed: ["certificate", "since", "reason", "subject"])
                    guard let fingerprint = fields["certificate"], let since = fields["since"],
                        let reason = fields["reason"]
                    else { throw item.error("a revocation needs certificate, since and reason") }
                    let why = try reason.string()
                    guard LocalRevocation.reasons.contains(why) else {
                        throw reason.error("expected one of \(LocalRevocation.reasons.joined(separator: ", "))")
                    }
                    return LocalRevocation(
                        fingerprint: try fingerprint.string().lowercased(), since: try since.instant(), reason: why)
                }
            } ?? []
        return AgencyConfig(
            code: code, name: name, certificatePath: certificate, previousCertificatePaths: previous,
            keyPath: key, passphrase: passphrase ?? .environment(PassphraseSource.defaultEnvironmentVariable),
            inbox: inbox, certificateRequestPath: request, formerNames: formerNames, formerCodes: formerCodes,
            retirement: retirement, revocations: revocations)
    }

    /// The agency's name at `date`: a former name for a date before it changed, else the current one.
    public func name(at date: Date) -> String {
        formerNames.first { date < $0.until }?.name ?? name
    }

    /// Every name the agency had, current first.
    public var allNames: [String] { [name] + formerNames.reversed().map(\.name).filter { $0 != name } }

    /// The office's revocation of `certificate`, if any.
    public func revocation(of certificate: Certificate) -> LocalRevocation? {
        let fingerprint = certificate.sha256Fingerprint
        return revocations.first { $0.fingerprint == fingerprint }
    }

    /// The agency's current and previous certificates.
    public func certificates() throws -> [Certificate] {
        try ([certificatePath] + previousCertificatePaths).flatMap { try Certificate.load(path: $0) }
    }
}
