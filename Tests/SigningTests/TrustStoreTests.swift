import Foundation
import Signing
import TestSupport
import Testing

@Suite struct TrustStoreTests {
    let now = Date()

    @Test func acceptsAChainToATrustedRootAtSigningTime() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(code: "000.00.01.H53", name: "A")
        let store = try TrustStore(anchors: [pki.authority.certificate])
        let chain = try store.verify(signer.certificate, at: now)
        #expect(chain.count == 2)
    }

    @Test func refusesAnotherCA() throws {
        let pki = try TestPKI()
        let other = try TestPKI(name: "Other CA")
        let signer = try other.signer(code: "000.00.01.H53", name: "A")
        let store = try TrustStore(anchors: [pki.authority.certificate])
        #expect {
            try store.verify(signer.certificate, at: now)
        } throws: { error in
            if case ChainProblem.untrusted = error { return true }
            return false
        }
    }

    @Test func judgesValidityAtTheSigningTimeNotToday() throws {
        let pki = try TestPKI()
        let signer = try pki.signer(
            code: "000.00.01.H53", name: "A", validFrom: now.addingTimeInterval(-200 * 86_400),
            validUntil: now.addingTimeInterval(-100 * 86_400))
        let store = try TrustStore(anchors: [pki.authority.certificate])
        // Signed while valid: still verifiable in the archive today.
        #expect(throws: Never.self) { try store.verify(signer.certificate, at: now.addingTimeInterval(-150 * 86_400)) }
        #expect {
            try store.verify(signer.certificate, at: now)
        } throws: { error in
            if case ChainProblem.expired = error { return true }
            return false
        }
        #expect {
            try store.verify(signer.certificate, at: now.addingTimeInterval(-300 * 86_400))
        } throws: { error in
            if case ChainProblem.notYetValid = error { return true }
            return false
        }
    }

    @Test func refusesARevokedCertificateWhenTheCRLIsAtHand() throws {
        let pki = try TestPKI()
        let revoked = try pki.signer(code: "000.00.01.H53", name: "A")
        let kept = try pki.signer(code: "000.00.02.H53", name: "B")
        let store = try TrustStore.load(
            anchorPaths: [pki.rootPath],
            revocationListPaths: [try pki.revocationList(revoking: [revoked.certificate])])
        #expect(throws: Never.self) { try store.verify(kept.certificate, at: now, revocation: .required) }
        #expect {
            try store.verify(revoked.certificate, at: now)
        } throws: { error in
            if case ChainProblem.revoked(_, let serial, let date) = error {
                return serial == revoked.certificate.serialNumber && date != nil
            }
            return false
        }
        // Without the list, revocation cannot be required.
        let bare = try TrustStore(anchors: [pki.authority.certificate])
        #expect(throws: Never.self) { try bare.verify(revoked.certificate, at: now) }
        #expect {
            try bare.verify(revoked.certificate, at: now, revocation: .required)
        } throws: { error in
            if case ChainProblem.revocationUnknown = error { return true }
            return false
        }
    }

    @Test func refusesACertificateNotMeantForSigning() throws {
        let pki = try TestPKI()
        let tls = try pki.signer(
            code: "000.00.01.H53", name: "A",
            profile: .custom(keyUsage: "critical,keyEncipherment", extendedKeyUsage: "serverAuth"))
        let store = try TrustStore(anchors: [pki.authority.certificate])
        #expect {
            try store.verify(tls.certificate, at: now)
        } throws: { error in
            if case ChainProblem.wrongKeyUsage = error { return true }
            return false
        }
    }
}
