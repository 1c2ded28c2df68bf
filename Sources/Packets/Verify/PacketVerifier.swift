import Archiving
import DurableIO
import Foundation
import Signing

/// How the verifier decides that the signer is the agency a packet names as its sender.
public enum SenderIdentity: Sendable {
    /// The signer's certificate must name the agency code (subject `UID` or `organizationIdentifier`).
    case certificateNamesAgency
    /// The signer's certificate must be one registered for the agency; nil means the agency is unknown.
    case registered(@Sendable (AgencyCode) -> [Certificate]?)
}

/// Verifies packets: archive safety, BagIt completeness and checksums, metadata against payload, the CMS
/// signature, the signer's chain at signing time, and that the signer is the sender.
public struct PacketVerifier: Sendable {
    /// Trust anchors and revocation lists.
    public var trust: TrustStore
    /// How revocation is checked.
    public var revocation: RevocationPolicy
    /// Bounds on the archive.
    public var limits: ArchiveLimits
    /// How the signer is matched to the sender.
    public var senderIdentity: SenderIdentity
    /// The clock (a signing time far in the future is refused).
    public var clock: @Sendable () -> Date
    /// The office's own revocations (`cert revoke`): for a sender and the SHA-256 of its signer's certificate, since
    /// when that certificate no longer counts and why. A packet signed at or after that time is refused; one signed
    /// before stays valid (Decree 23/2025 Art 16: a signature is judged at its signing time).
    public var localRevocation: (@Sendable (AgencyCode, String) -> LocalRevocationEntry?)?

    public init(
        trust: TrustStore, revocation: RevocationPolicy = .whenAvailable, limits: ArchiveLimits = .packet,
        senderIdentity: SenderIdentity = .certificateNamesAgency, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.trust = trust
        self.revocation = revocation
        self.limits = limits
        self.senderIdentity = senderIdentity
        self.clock = clock
    }

    /// Verifies the packet file at `path`; throws only when it cannot be opened at all.
    public func verify(path: String) throws(FileError) -> VerificationReport {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.openRegularFileForReading(path)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError("open", path: path, code: EIO)
        }
        return verify(file, displayPath: path)
    }

    /// Verifies a packet from an open file. With `sink`, the documents are also written out as they stream past;
    /// they may be used only if the report says the packet is valid.
    ///
    /// The signed metadata is judged before any document is read: `metadata.json`, its signature, the signer's
    /// certificate and that the signer is the sender. Only a packet that passes them has its documents read, each
    /// only if the signed metadata lists it and never past its signed size, and handed to `sink` only while
    /// nothing is wrong. A packet whose documents come before its signed metadata is read twice: its headers
    /// first (no document read), then its documents (see `StreamedPacket`).
    public func verify(_ file: FileDescriptor, displayPath: String, sink: (any PayloadSink)? = nil)
        -> VerificationReport
    {
        var report = VerificationReport(packet: displayPath)
        let judged = JudgedMetadata()
        let packet: StreamedPacket
        do {
            packet = try StreamedPacket.read(file, limits: limits, sink: sink) { partial in
                var fragment = VerificationReport(packet: displayPath)
                let metadata = authenticate(partial, report: &fragment)
                judged.fragment = fragment
                judged.tagFileNames = Set(partial.tagFiles.keys)
                guard let metadata, fragment.problems.isEmpty, partial.unexpected.isEmpty else { return nil }
                return Dictionary(
                    metadata.files.map { ("\(BagIt.payloadDirectory)/\($0.name.precomposedNFC)", $0.size) },
                    uniquingKeysWith: { min($0, $1) })
            }
        } catch {
            report.record("archive", [error])
            return report
        }
        var layout = packet.unexpected.prefix(5).map(PacketProblems.unexpectedEntry)
        if packet.root == nil { layout.append(PacketProblems.missingTagFile(PacketLayout.metadataName)) }
        for name in PacketLayout.tagFiles where packet.tagFiles[name] == nil && packet.root != nil {
            layout.append(PacketProblems.missingTagFile(name))
        }
        report.record("archive", layout)
        report.packetId = packet.root
        report.metadataBytes = packet.tagFiles[PacketLayout.metadataName]
        report.signatureBytes = packet.tagFiles[PacketLayout.signatureName]
        guard packet.tagFiles[PacketLayout.metadataName] != nil, packet.tagFiles[PacketLayout.signatureName] != nil
        else { return report }

        // The bag declaration.
        let declaration = packet.tagFiles[BagIt.declarationName].flatMap(BagIt.parseTags) ?? []
        let version = declaration.first { $0.0 == "BagIt-Version" }?.1
        let encoding = declaration.first { $0.0 == "Tag-File-Character-Encoding" }?.1
        report.record(
            "bag-declaration",
            ["1.0", "0.97"].contains(version ?? "") && encoding?.uppercased() == "UTF-8"
                ? [] : [PacketProblems.bagDeclaration()])

        // The metadata, its signature, the signer's certificate at signing time, the sender: as judged before the
        // documents were read (again only if a tag file came later, which may tell what a mismatch is).
        var fragment = VerificationReport(packet: displayPath)
        if let earlier = judged.fragment, judged.tagFileNames == Set(packet.tagFiles.keys) {
            fragment = earlier
        } else {
            _ = authenticate(packet, report: &fragment)
        }
        report.merge(fragment)

        // The documents, read only when the signed metadata allowed it.
        guard packet.payloadRead else { return report }
        if let metadata = report.metadata { report.record("payload", payloadProblems(packet, metadata: metadata)) }
        report.record("bag", bagProblems(packet))
        return report
    }

    /// The checks the documents wait for: metadata.json (readable, naming this packet), the signature over it, the
    /// signer's certificate at signing time and that the signer is the sender. Returns the metadata when readable.
    private func authenticate(_ packet: StreamedPacket, report: inout VerificationReport) -> PacketMetadata? {
        guard let metadataBytes = packet.tagFiles[PacketLayout.metadataName],
            let signatureBytes = packet.tagFiles[PacketLayout.signatureName]
        else { return nil }
        var metadata: PacketMetadata?
        do {
            let parsed = try PacketMetadata.parse(metadataBytes)
            metadata = parsed
            report.metadata = parsed
            report.sender = parsed.from
            report.numberAndNotation = parsed.document.numberAndNotation
            report.subject = parsed.document.subject
            report.files = parsed.files
            report.record(
                "metadata",
                parsed.packetId.rawValue == packet.root
                    ? []
                    : [PacketProblems.packetIdMismatch(folder: packet.root ?? "", id: parsed.packetId.rawValue)])
        } catch {
            report.record("metadata", [PacketProblems.metadataInvalid(error)])
        }
        let signer = checkSignature(
            signatureBytes, over: metadataBytes, packet: packet, metadata: metadata, report: &report)
        if let signer, let metadata { checkSender(signer, metadata: metadata, report: &report) }
        return metadata
    }

    private func checkSignature(
        _ signatureBytes: [UInt8], over metadataBytes: [UInt8], packet: StreamedPacket,
        metadata: PacketMetadata?, report: inout VerificationReport
    ) -> Certificate? {
        let signature: CMSSignature
        let certificate: Certificate
        do {
            signature = try CMSSignature(der: signatureBytes)
            certificate = try signature.verify(content: metadataBytes)
        } catch .mismatch(let detail) {
            report.record("signature", [blameForMismatch(packet, detail: detail)])
            return nil
        } catch {
            report.record("signature", [PacketProblems.signatureMalformed(error)])
            return nil
        }
        report.record("signature", [])

        let signingTime = signature.signingTime ?? metadata?.packedAtDate ?? clock()
        report.signingTime = Timestamp.string(signingTime)
        report.signer = VerificationReport.Signer(
            subject: certificate.subject.description, issuer: certificate.issuer.description,
            serialNumber: certificate.serialNumber, certificateSha256: certificate.sha256Fingerprint,
            notBefore: certificate.notBefore.iso8601UTC, notAfter: certificate.notAfter.iso8601UTC)
        if signingTime > clock().addingTimeInterval(24 * 3600) {
            report.record("certificate", [PacketProblems.signingTimeInFuture(Timestamp.string(signingTime))])
            return certificate
        }
        do {
            try trust.verify(
                certificate, intermediates: signature.embeddedCertificates, at: signingTime, revocation: revocation)
            if let sender = metadata?.from.organId,
                let revoked = localRevocation?(sender, certificate.sha256Fingerprint), signingTime >= revoked.since
            {
                report.record(
                    "certificate",
                    [
                        PacketProblems.revokedByOffice(
                            certificate.subject.description, since: Timestamp.string(revoked.since),
                            reason: revoked.reason, signedAt: Timestamp.string(signingTime))
                    ])
            } else {
                report.record("certificate", [])
            }
        } catch {
            report.record("certificate", [PacketProblems.chain(error)])
        }
        return certificate
    }

    /// A signature that does not match: the tag manifest, written when the packet was made, tells whether
    /// metadata.json or the signature is the part that changed since.
    private func blameForMismatch(_ packet: StreamedPacket, detail: String) -> PacketProblem {
        guard let manifest = packet.tagFiles[BagIt.tagManifestName].flatMap(BagIt.parseManifest) else {
            return PacketProblems.signatureMismatch(detail)
        }
        func changed(_ name: String) -> Bool {
            guard let recorded = manifest.first(where: { $0.path == name })?.sha256, let bytes = packet.tagFiles[name]
            else { return false }
            return SHA256Hasher.hex(of: bytes) != recorded
        }
        if changed(PacketLayout.metadataName) { return PacketProblems.metadataEdited() }
        if changed(PacketLayout.signatureName) { return PacketProblems.signatureReplaced() }
        return PacketProblems.signatureMismatch(detail)
    }

    private func checkSender(_ signer: Certificate, metadata: PacketMetadata, report: inout VerificationReport) {
        var problems: [PacketProblem] = []
        let sender = metadata.from.organId
        switch senderIdentity {
        case .certificateNamesAgency:
            let named = signer.agencyCodes.compactMap(AgencyCode.init)
            if !named.contains(sender) {
                let detail =
                    named.isEmpty
                    ? "the certificate names no agency code (UID or organizationIdentifier)"
                    : "the certificate names \(named.map(\.rawValue).joined(separator: ", "))"
                problems.append(
                    PacketProblems.signerNotSender(sender, subject: signer.subject.description, detail: detail))
            }
        case .registered(let lookup):
            if let registered = lookup(sender) {
                if !registered.contains(where: { $0.sha256Fingerprint == signer.sha256Fingerprint }) {
                    problems.append(
                        PacketProblems.signerNotSender(
                            sender, subject: signer.subject.description,
                            detail: "the certificate is not the one registered for \(sender)"))
                }
            } else {
                problems.append(PacketProblems.senderNotRegistered(sender))
            }
        }
        // Who signed matters more than what the metadata says about it, so this comes second.
        if metadata.signer.certificateSha256.lowercased() != signer.sha256Fingerprint {
            problems.append(PacketProblems.signerRecordMismatch())
        }
        report.record("sender", problems)
    }

    /// The signed metadata's file list against the payload actually present.
    private func payloadProblems(_ packet: StreamedPacket, metadata: PacketMetadata) -> [PacketProblem] {
        var problems: [PacketProblem] = []
        var listed: Set<String> = []
        for file in metadata.files {
            let path = "\(BagIt.payloadDirectory)/\(file.name.precomposedNFC)"
            listed.insert(path)
            guard let actual = packet.payload[path] else {
                problems.append(PacketProblems.payloadMissing(file.name))
                continue
            }
            if actual.oversized {
                problems.append(PacketProblems.payloadOversized(file.name, signed: file.size, found: actual.size))
            } else if actual.size != file.size || actual.sha256 != file.sha256.lowercased() {
                problems.append(PacketProblems.payloadChanged(file.name))
            }
        }
        for path in packet.payload.keys.sorted() where !listed.contains(path) {
            problems.append(PacketProblems.payloadUnlisted(String(path.dropFirst(BagIt.payloadDirectory.count + 1))))
        }
        return problems
    }

    /// BagIt's own checks: the payload manifest, the tag manifest and Payload-Oxum.
    private func bagProblems(_ packet: StreamedPacket) -> [PacketProblem] {
        var problems: [PacketProblem] = []
        if let bytes = packet.tagFiles[BagIt.manifestName] {
            if let manifest = BagIt.parseManifest(bytes) {
                var covered: Set<String> = []
                for entry in manifest {
                    covered.insert(entry.path)
                    guard let actual = packet.payload[entry.path] else {
                        problems.append(PacketProblems.manifestIncomplete(entry.path, in: BagIt.manifestName))
                        continue
                    }
                    if let sha256 = actual.sha256, sha256 != entry.sha256 {
                        problems.append(PacketProblems.manifestMismatch(entry.path, in: BagIt.manifestName))
                    }
                }
                for path in packet.payload.keys.sorted() where !covered.contains(path) {
                    problems.append(PacketProblems.manifestIncomplete(path, in: BagIt.manifestName))
                }
            } else {
                problems.append(PacketProblems.manifestMalformed(BagIt.manifestName))
            }
        }
        if let bytes = packet.tagFiles[BagIt.tagManifestName] {
            if let manifest = BagIt.parseManifest(bytes) {
                for entry in manifest {
                    guard let content = packet.tagFiles[entry.path] else {
                        problems.append(PacketProblems.manifestIncomplete(entry.path, in: BagIt.tagManifestName))
                        continue
                    }
                    if SHA256Hasher.hex(of: content) != entry.sha256 {
                        problems.append(PacketProblems.manifestMismatch(entry.path, in: BagIt.tagManifestName))
                    }
                }
                for name in PacketLayout.tagFiles
                where name != BagIt.tagManifestName && packet.tagFiles[name] != nil
                    && !manifest.contains(where: { $0.path == name })
                {
                    problems.append(PacketProblems.manifestIncomplete(name, in: BagIt.tagManifestName))
                }
            } else {
                problems.append(PacketProblems.manifestMalformed(BagIt.tagManifestName))
            }
        }
        if let info = packet.tagFiles[BagIt.bagInfoName].flatMap(BagIt.parseTags),
            let oxum = info.first(where: { $0.0 == "Payload-Oxum" })?.1
        {
            let actual = "\(packet.payload.values.reduce(Int64(0)) { $0 + $1.size }).\(packet.payload.count)"
            if oxum != actual { problems.append(PacketProblems.oxumMismatch(expected: oxum, actual: actual)) }
        }
        return problems
    }
}

/// What was judged of the signed metadata before the documents were read, kept for the report.
private final class JudgedMetadata {
    var fragment: VerificationReport?
    var tagFileNames: Set<String> = []
}

/// A revocation the office itself recorded for a certificate (`lienthong cert revoke`).
public struct LocalRevocationEntry: Sendable, Equatable {
    public let since: Date
    /// keyCompromise, superseded, cessationOfOperation.
    public let reason: String

    public init(since: Date, reason: String) {
        self.since = since
        self.reason = reason
    }
}
