import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The algorithm of a newly generated key.
public enum KeyAlgorithm: Sendable, Equatable {
    /// ECDSA on the NIST P-256 curve.
    case ecP256
    /// RSA with the given modulus size in bits.
    case rsa(bits: Int)
}

/// An owned private key (`EVP_PKEY`), RSA or EC.
public final class PrivateKey {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    /// Generates a fresh key with OpenSSL's random generator.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        let key: OpaquePointer?
        switch algorithm {
        case .ecP256: key = "P-256".withCString { COpenSSL_EVP_EC_gen($0) }
        case .rsa(let bits): key = COpenSSL_EVP_RSA_gen(UInt32(bits))
        }
        return PrivateKey(taking: try OpenSSLError.nonNull(key, "key generation"))
    }

    /// Loads a PEM private key from `path`, refusing a file that group or others may read.
    ///
    /// An encrypted key (PKCS#8 or traditional PEM encryption) needs a passphrase from `passphrase`.
    public static func load(
        path: String, passphrase: PassphraseSource? = .environment(PassphraseSource.defaultEnvironmentVariable)
    ) throws -> PrivateKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SigningError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        // DESIGN: the office refuses a key file that group or others can read.
        guard info.st_mode & 0o077 == 0 else {
            throw SigningError.keyFileTooOpen(path: path, mode: UInt32(info.st_mode))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SigningError.unreadable(path: path, reason: "permission denied or not a file")
        }
        return try PrivateKey(pem: Array(data), passphrase: try passphrase?.resolve(), path: path)
    }

    /// Parses a PEM private key held in memory.
    public convenience init(pem: [UInt8], passphrase: [UInt8]?, path: String = "<memory>") throws {
        guard String(decoding: pem, as: UTF8.self).contains("PRIVATE KEY-----") else {
            throw SigningError.noPEMObject(path: path, expected: "private key")
        }
        let bio = try MemoryBIO(pem)
        let box = PassphraseBox(passphrase)
        ERR_clear_error()
        let key = withExtendedLifetime(box) {
            PEM_read_bio_PrivateKey(bio.pointer, nil, passphraseCallback, Unmanaged.passUnretained(box).toOpaque())
        }
        guard let key else {
            let error = OpenSSLError.drain("PEM_read_bio_PrivateKey")
            if box.wasAsked {
                throw passphrase == nil
                    ? SigningError.passphraseRequired(path: path) : SigningError.wrongPassphrase(path: path)
            }
            throw SigningError(error)
        }
        self.init(taking: key)
    }

    /// The key in PEM (PKCS#8), encrypted with AES-256-CBC when a passphrase is given.
    public func pem(passphrase: [UInt8]? = nil) throws -> [UInt8] {
        let bio = try MemoryBIO()
        let written: Int32
        if var passphrase {
            passphrase.append(0)
            written = passphrase.withUnsafeMutableBytes { bytes in
                PEM_write_bio_PKCS8PrivateKey(
                    bio.pointer, pointer, EVP_aes_256_cbc(), nil, 0, nil, bytes.baseAddress)
            }
        } else {
            written = PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil)
        }
        try OpenSSLError.check(written, "PEM_write_bio_PrivateKey")
        return bio.bytes
    }

    /// A short name of the key type: `RSA` or `EC`.
    public var algorithmName: String {
        switch EVP_PKEY_get_base_id(pointer) {
        case EVP_PKEY_RSA: "RSA"
        case EVP_PKEY_EC: "EC"
        default: String(cString: OBJ_nid2sn(EVP_PKEY_get_base_id(pointer)))
        }
    }
}

/// Carries a passphrase into OpenSSL's C callback, and records whether OpenSSL asked for one.
private final class PassphraseBox {
    let passphrase: [UInt8]?
    var wasAsked = false
    init(_ passphrase: [UInt8]?) { self.passphrase = passphrase }
}

/// OpenSSL's `pem_password_cb`: copies the passphrase, or answers "none" so OpenSSL never prompts on a terminal.
private let passphraseCallback:
    @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
        buffer, size, _, context in
        guard let context, let buffer else { return 0 }
        let box = Unmanaged<PassphraseBox>.fromOpaque(context).takeUnretainedValue()
        box.wasAsked = true
        guard let passphrase = box.passphrase, !passphrase.isEmpty, passphrase.count <= Int(size) else { return 0 }
        passphrase.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
        return Int32(passphrase.count)
    }
