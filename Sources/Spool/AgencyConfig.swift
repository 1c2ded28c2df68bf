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

    static let keys: Set<String> = [
        "code", "name", "certificate", "previousCertificates", "key", "keyPassphraseFile",
        "keyPassphraseEnv", "inbox", "demo",
    ]

    /// Reads an agency's configuration.
    public static func load(_ code: AgencyCode, in spool: SpoolLayout) throws(ConfigError) -> AgencyConfig {
        let file = spool.agencyConfig(code)
        let root = try ConfigNode.load(file: file)
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
        return AgencyConfig(
            code: code, name: name, certificatePath: certificate, previousCertificatePaths: previous,
            keyPath: key, passphrase: passphrase ?? .environment(PassphraseSource.defaultEnvironmentVariable),
            inbox: inbox)
    }

    /// The agency's current and previous certificates.
    public func certificates() throws -> [Certificate] {
        try ([certificatePath] + previousCertificatePaths).flatMap { try Certificate.load(path: $0) }
    }
}
