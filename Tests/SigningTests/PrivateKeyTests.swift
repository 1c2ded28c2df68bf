import Foundation
import Signing
import TestSupport
import Testing

@Suite struct PrivateKeyTests {
    let directory = TemporaryDirectory()

    @Test(arguments: [KeyAlgorithm.ecP256, .rsa(bits: 2048)])
    func loadsAGeneratedKeyBackFromPEM(_ algorithm: KeyAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let path = try directory.write("key.pem", try key.pem(), mode: 0o600)
        let loaded = try PrivateKey.load(path: path, passphrase: nil)
        #expect(loaded.algorithmName == (algorithm == .ecP256 ? "EC" : "RSA"))
        #expect(try loaded.pem() == key.pem())
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o666])
    func refusesAKeyFileOthersCanRead(_ mode: Int) throws {
        let path = try directory.write("open.pem", try PrivateKey.generate(.ecP256).pem(), mode: mode)
        #expect(throws: SigningError.keyFileTooOpen(path: path, mode: UInt32(0o100000 | mode))) {
            try PrivateKey.load(path: path, passphrase: nil)
        }
    }

    @Test func readsAnEncryptedKeyWithItsPassphraseFromAFile() throws {
        let key = try PrivateKey.generate(.ecP256)
        let path = try directory.write("enc.pem", try key.pem(passphrase: Array("mật khẩu 123".utf8)), mode: 0o600)
        #expect(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).contains(
                "ENCRYPTED PRIVATE KEY"))
        let passphraseFile = try directory.write("pass.txt", "mật khẩu 123\n", mode: 0o600)
        let loaded = try PrivateKey.load(path: path, passphrase: .file(passphraseFile))
        #expect(try loaded.pem() == key.pem())
    }

    @Test func reportsAMissingOrWrongPassphraseWithoutPrompting() throws {
        let path = try directory.write(
            "enc.pem", try PrivateKey.generate(.rsa(bits: 2048)).pem(passphrase: Array("right".utf8)), mode: 0o600)
        #expect(throws: SigningError.passphraseRequired(path: path)) {
            try PrivateKey.load(path: path, passphrase: .environment("LIENTHONG_TEST_UNSET_VARIABLE"))
        }
        #expect(throws: SigningError.wrongPassphrase(path: path)) {
            try PrivateKey.load(path: path, passphrase: .literal(Array("wrong".utf8)))
        }
    }

    @Test func refusesAFileWithoutAKey() throws {
        let path = try directory.write("nothing.pem", "not a key\n", mode: 0o600)
        #expect(throws: SigningError.noPEMObject(path: path, expected: "private key")) {
            try PrivateKey.load(path: path, passphrase: nil)
        }
    }
}
