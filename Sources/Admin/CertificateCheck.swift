import Foundation
import Packets
import Signing
import Spool

/// The checks a certificate (and its key) pass before an admin command installs them.
struct CertificateCheck {
    let session: AdminSession

    /// Refuses a certificate that the spool's trust store does not vouch for now, or that has expired or is not valid
    /// yet: installing it would make every packet the agency signs refused on arrival.
    func requireUsable(_ certificate: Certificate, for code: AgencyCode) throws {
        let now = session.now()
        let trust: TrustStore
        do {
            trust = try TrustStore.load(
                anchorPaths: [session.spool.trustAnchors], revocationListPaths: [session.spool.revocationLists])
        } catch {
            throw AdminRefusal(
                vi: "không đọc được kho tin cậy trust/.", en: "cannot read the trust store in trust/: \(error)")
        }
        do {
            try trust.verify(certificate, at: now)
        } catch {
            throw AdminRefusal(
                vi: "chứng thư số \(certificate.subject) không được kho tin cậy (trust/ca) chấp nhận.",
                en: "the certificate \(certificate.subject) does not verify against trust/ca: \(error)",
                advice:
                    "Cài chứng thư của CA vào trust/ca trước — install the CA's certificate into trust/ca first.")
        }
    }

    /// Loads a private key given on the command line (its passphrase from `passphraseFile`, if any).
    func loadKey(_ path: String, passphraseFile: String?) throws -> PrivateKey {
        do {
            return try PrivateKey.load(
                path: path,
                passphrase: passphraseFile.map { .file($0) }
                    ?? .environment(PassphraseSource.defaultEnvironmentVariable))
        } catch {
            throw AdminRefusal(vi: "không đọc được khóa \(path).", en: "cannot read the key \(path): \(error)")
        }
    }
}
