import Foundation
import TestSupport
import Testing

/// Outside tools must agree that our packets are right: bsdtar, bagit.py, openssl cms and Python's jsonschema.
@Suite struct OutsideToolsTests {
    @Test(arguments: ["P.tar", "P.zip"])
    func bagitOpensslAndJsonschemaAcceptAPacketSignedWithOpenSSLMadeCertificates(_ name: String) throws {
        let directory = TemporaryDirectory()
        let code = "000.00.02.H53"
        let pki = try OpenSSLProgramPKI.make(in: directory, code: code, name: "Sở Nội vụ tỉnh Thái Bình")
        let input = try PackInput.make(
            in: directory, sidecar: Fixtures.sidecar(to: ["000.00.01.H53", "000.00.03.H53"]))
        let packet = directory.file(name)
        let packed = try input.pack(from: code, key: pki.keyPath, cert: pki.certificatePath, to: packet)
        #expect(packed.status == 0, "\(packed.output)")
        let packetId = try #require(packed.stdout.split(separator: "\t").first.map(String.init))

        let extracted = directory.file("x")
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        let untar = try ProcessRunner.run(
            "bsdtar", ["-xf", packet, "-C", extracted], environment: ["LC_ALL": "C.UTF-8"])
        #expect(untar.status == 0, "\(untar.output)")
        let bag = extracted + "/" + packetId
        #expect(FileManager.default.fileExists(atPath: bag + "/data/Quyết định 125.pdf"))

        let bagit = try ProcessRunner.run("bagit.py", ["--validate", bag])
        #expect(bagit.status == 0, "\(bagit.output)")
        #expect(bagit.stderr.contains("is valid"), "\(bagit.output)")

        let cms = try ProcessRunner.run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", bag + "/metadata.json.p7s",
                "-content", bag + "/metadata.json", "-CAfile", pki.caPath, "-out", "/dev/null",
            ])
        #expect(cms.status == 0, "\(cms.output)")
        #expect(cms.stderr.contains("Verification successful"), "\(cms.output)")

        let schema = try ProcessRunner.run(
            "python3",
            [
                "-c",
                """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1], encoding="utf-8"))
                jsonschema.Draft202012Validator.check_schema(schema)
                jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2], encoding="utf-8")))
                print("valid")
                """, Project.file("Templates/packet-metadata.schema.json"), bag + "/metadata.json",
            ])
        #expect(schema.status == 0 && schema.stdout.contains("valid"), "\(schema.output)")

        let verify = try CLI.lienthong(["verify", packet, "--trust", pki.caPath])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.stdout.hasPrefix("HỢP LỆ / VALID"))
    }

    @Test func theSchemaRefusesWhatTheOfficeWouldRefuse() throws {
        // The schema is a contract for outside tools: it must fail on broken metadata, not only pass on good.
        let result = try ProcessRunner.run(
            "python3",
            [
                "-c",
                """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1], encoding="utf-8"))
                good = {"schemaVersion": "1.0", "packetId": "20261124-084200-123-0123456789", "codeNumber": "125",
                        "codeNotation": "QĐ-UBND", "issuedDate": "2026-11-24", "typeName": "Quyết định", "subject": "x",
                        "from": {"organId": "000.00.00.H53", "organName": "UBND"}, "to": ["000.00.01.H53"], "priority": "khan",
                        "files": [{"name": "a.pdf", "size": 1, "sha256": "0" * 64, "mediaType": "application/pdf"}],
                        "packedAt": "2026-11-24T15:42:00.123+07:00",
                        "signer": {"certificateSha256": "0" * 64, "subject": "CN=x", "issuer": "CN=y", "serialNumber": "0A"}}
                validator = jsonschema.Draft202012Validator(schema)
                assert not list(validator.iter_errors(good)), list(validator.iter_errors(good))
                bad = [dict(good, to=["12345"]), dict(good, priority="urgent"), dict(good, packetId="../x"),
                       dict(good, issuedDate="24/11/2026"), dict(good, subject="a\\nb"), {k: v for k, v in good.items() if k != "signer"}]
                for case in bad:
                    assert list(validator.iter_errors(case)), case
                print("ok")
                """, Project.file("Templates/packet-metadata.schema.json"),
            ])
        #expect(result.status == 0 && result.stdout.contains("ok"), "\(result.output)")
    }
}
