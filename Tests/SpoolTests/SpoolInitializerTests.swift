import Foundation
import Packets
import Signing
import Spool
import TestSupport
import Testing

@Suite struct SpoolInitializerTests {
    let directory = TemporaryDirectory()

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func createsTheContractLayoutWithPrivateState() throws {
        let spool = SpoolLayout(root: directory.file("spool"))
        let created = try SpoolInitializer(spool: spool).run(demo: false)
        #expect(created.contains("office.yaml"))
        for folder in ["trust/ca", "trust/crl", "agencies", "archive", "fallback", "state"] {
            var isDirectory: ObjCBool = false
            #expect(
                FileManager.default.fileExists(atPath: spool.path(folder), isDirectory: &isDirectory)
                    && isDirectory.boolValue, "\(folder)")
        }
        #expect(try mode(spool.state) == 0o700)
        #expect(try SpoolInitializer(spool: spool).run(demo: false).isEmpty)
    }

    @Test func demoAgenciesCanSignAndTheirPacketsVerify() throws {
        let spool = SpoolLayout(root: directory.file("demo"))
        try SpoolInitializer(spool: spool).run(demo: true)
        let agencies = try AgencyDirectory.load(spool)
        #expect(agencies.agencies.count == DemoAgencies.all.count)
        let store = try TrustStore.load(anchorPaths: [spool.trustAnchors], revocationListPaths: [spool.revocationLists])
        for (code, name) in DemoAgencies.all {
            let agency = try #require(agencies.agencies[code])
            #expect(agency.name == name)
            let keyPath = try #require(agency.keyPath)
            #expect(keyPath.hasPrefix(spool.keys))
            #expect(try mode(keyPath) == 0o600)
            let certificate = try #require(try agency.certificates().first)
            #expect(certificate.agencyCodes == [code.rawValue])
            #expect(certificate.subject["OU"]?.contains("TEST ONLY") == true)
            #expect(certificate.matches(try PrivateKey.load(path: keyPath, passphrase: nil)))
            try store.verify(certificate, at: Date(), revocation: .required)
        }
        // A second run adds nothing and keeps the same CA.
        let root = try String(contentsOfFile: spool.trustAnchors + "/lienthong-demo-root-ca.pem", encoding: .utf8)
        #expect(try SpoolInitializer(spool: spool).run(demo: true).isEmpty)
        #expect(try String(contentsOfFile: spool.trustAnchors + "/lienthong-demo-root-ca.pem", encoding: .utf8) == root)
    }

    @Test func theEmbeddedSpoolShipsTheDefaultOfficeSettings() throws {
        let shipped = try String(contentsOfFile: Project.file("Spool/office.yaml"), encoding: .utf8)
        #expect(shipped == OfficeDefaults.officeYAML)
    }
}
