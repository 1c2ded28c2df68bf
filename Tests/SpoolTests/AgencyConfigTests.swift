import Foundation
import Packets
import Spool
import TestSupport
import Testing

@Suite struct AgencyConfigTests {
    let directory = TemporaryDirectory()
    let code = AgencyCode("000.00.02.H53")!

    func load(_ yaml: String) throws(ConfigError) -> AgencyConfig {
        let spool = SpoolLayout(root: directory.path)
        _ = try? directory.write("agencies/\(code)/agency.yaml", yaml)
        return try AgencyConfig.load(code, in: spool)
    }

    @Test func resolvesPathsAgainstTheSpool() throws {
        let config = try load(
            """
            name: Sở Nội vụ
            certificate: agencies/000.00.02.H53/certificate.pem
            previousCertificates: [/etc/lienthong/old.pem]
            key: state/keys/000.00.02.H53.pem
            keyPassphraseFile: state/keys/snv.pass
            inbox: /mnt/snv/inbox
            """)
        #expect(config.name == "Sở Nội vụ")
        #expect(config.certificatePath == directory.path + "/agencies/000.00.02.H53/certificate.pem")
        #expect(config.previousCertificatePaths == ["/etc/lienthong/old.pem"])
        #expect(config.passphrase == .file(directory.path + "/state/keys/snv.pass"))
        #expect(config.inbox == "/mnt/snv/inbox")
    }

    @Test func namesTheLineAtFault() {
        #expect(
            throws: ConfigError(
                file: directory.path + "/agencies/000.00.02.H53/agency.yaml", line: 3, column: 1,
                message:
                    "unknown key certficate; expected one of: certificate, certificateRequest, code, demo, formerCodes, formerNames, inbox, key, keyPassphraseEnv, keyPassphraseFile, name, previousCertificates, retired, revoked"
            )
        ) {
            try load("name: Sở Nội vụ\n# comment\ncertficate: x.pem\n")
        }
        #expect {
            try load("name: [unclosed\n")
        } throws: { error in
            (error as? ConfigError)?.line != nil && (error as? ConfigError)?.message.hasPrefix("YAML syntax") == true
        }
        #expect {
            try load("code: 000.00.09.H53\nname: x\ncertificate: c.pem\n")
        } throws: { error in
            (error as? ConfigError)?.line == 1
        }
    }
}
