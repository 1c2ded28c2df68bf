import Foundation
import TestSupport
import Testing

@Suite struct PackCommandTests {
    let directory = TemporaryDirectory()
    let pki: TestPKI
    let sender: TestSigner
    static let code = "000.00.00.H53"

    init() throws {
        pki = try TestPKI()
        sender = try pki.signer(code: Self.code, name: "Ủy ban nhân dân tỉnh Thái Bình")
    }

    @Test func aBadSidecarIsExplainedInVietnameseThenEnglish() throws {
        let input = try PackInput.make(in: directory, sidecar: #"{"codeNumber": "125", "to": ["000.00.01.H53",]}"#)
        let result = try input.pack(
            from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: directory.file("P.tar"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("Tệp mô tả không phải JSON hợp lệ: dòng 1, cột 46"), "\(result.output)")
        #expect(result.stderr.contains("The sidecar is not valid JSON: line 1, column 46"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("P.tar")))

        let incomplete = try PackInput.make(in: directory, sidecar: #"{"codeNumber": "125"}"#, label: "incomplete")
        let missing = try incomplete.pack(
            from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: directory.file("P.tar"))
        #expect(missing.status == 1 && missing.stderr.contains("Thiếu trường `to` (nơi nhận)."), "\(missing.output)")
    }

    @Test func refusesAKeyOthersCanRead() throws {
        chmod(sender.keyPath, 0o644)
        let result = try PackInput.make(in: directory).pack(
            from: Self.code, key: sender.keyPath, cert: sender.certificatePath,
            to: directory.file("P.tar"))
        #expect(result.status == 1 && result.stderr.contains("readable by group or others"), "\(result.output)")
    }

    @Test func signsWithAnEncryptedKeyWhosePassphraseIsInTheEnvironmentOrAFile() throws {
        let encrypted = try directory.write(
            "enc.pem", try sender.key.pem(passphrase: Array("bí mật".utf8)), mode: 0o600)
        let input = try PackInput.make(in: directory)
        let withEnvironment = try input.pack(
            from: Self.code, key: encrypted, cert: sender.certificatePath, to: directory.file("A.tar"),
            environment: ["LIENTHONG_KEY_PASSPHRASE": "bí mật"])
        #expect(withEnvironment.status == 0, "\(withEnvironment.output)")
        let passphraseFile = try directory.write("pass", "bí mật\n", mode: 0o600)
        let withFile = try input.pack(
            from: Self.code, key: encrypted, cert: sender.certificatePath, to: directory.file("B.tar"),
            extra: ["--key-passphrase-file", passphraseFile])
        #expect(withFile.status == 0, "\(withFile.output)")
        let without = try input.pack(
            from: Self.code, key: encrypted, cert: sender.certificatePath, to: directory.file("C.tar"),
            environment: ["LIENTHONG_KEY_PASSPHRASE": ""])
        #expect(without.status == 1 && without.stderr.contains("passphrase"), "\(without.output)")
    }

    @Test func neverOverwritesAnExistingPacketUnlessForced() throws {
        let input = try PackInput.make(in: directory)
        let output = directory.file("P.zip")
        #expect(
            try input.pack(from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: output).status == 0)
        let again = try input.pack(from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: output)
        #expect(again.status == 1 && again.stderr.contains("already exists"), "\(again.output)")
        #expect(
            try input.pack(
                from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: output, extra: ["--force"]
            ).status == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".part")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesWrongArguments() throws {
        let input = try PackInput.make(in: directory)
        let badCode = try input.pack(
            from: "UBND", key: sender.keyPath, cert: sender.certificatePath, to: directory.file("P.tar"))
        #expect(badCode.status == 2, "\(badCode.output)")
        let badExtension = try input.pack(
            from: Self.code, key: sender.keyPath, cert: sender.certificatePath, to: directory.file("P.rar"))
        #expect(badExtension.status == 2, "\(badExtension.output)")
    }
}
