import Archiving
import ArgumentParser
import DurableIO
import Foundation
import Packets
import Signing
import Spool

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify a packet: archive safety, BagIt checksums, metadata, CMS signature, certificate chain, sender.",
        discussion: """
            Nothing is extracted: every file is hashed as it streams out of the archive. Exit status: 0 valid, \
            1 invalid (the reason is printed), 2 usage error or unreadable packet. With --spool, the trust anchors and \
            revocation lists of the spool are used too, and the signer must be the certificate registered for the \
            sending agency; without it, the signer's certificate must name the agency code (UID or organizationIdentifier).
            """
    )

    @Argument(help: "The packet file (.tar or .zip).")
    var packet: String

    @Option(help: "Trust anchor certificates (PEM file or folder); may be repeated.")
    var trust: [String] = []

    @Option(help: "Certificate revocation lists (PEM file or folder); may be repeated. Revocation is then required.")
    var crl: [String] = []

    @Option(help: "Check the signer against the agencies registered in this spool.")
    var spool: String?

    @Flag(help: "Print a machine-readable report.")
    var json = false

    @Option(help: "Refuse archives with more entries than this.")
    var maxEntries = ArchiveLimits.packet.maxEntries

    @Option(help: "Refuse archives holding more bytes of data than this.")
    var maxBytes = ArchiveLimits.packet.maxTotalBytes

    func validate() throws {
        guard !trust.isEmpty || spool != nil else { throw ValidationError("give --trust CA.pem (or --spool DIR)") }
    }

    func run() throws {
        var anchors = trust
        var lists = crl
        var identity = SenderIdentity.certificateNamesAgency
        var revocations: AgencyDirectory?
        if let spool {
            let layout = SpoolLayout.resolve(spool)
            anchors.append(layout.trustAnchors)
            lists.append(layout.revocationLists)
            let directory: AgencyDirectory
            do {
                directory = try AgencyDirectory.load(layout)
            } catch {
                throw CommandFailure("\(error)", code: 2)
            }
            identity = .registered { directory.certificates(for: $0) }
            revocations = directory
        }
        let store: TrustStore
        do {
            store = try TrustStore.load(anchorPaths: anchors, revocationListPaths: lists)
        } catch {
            throw CommandFailure("cannot load the trust store: \(error)", code: 2)
        }
        var verifier = PacketVerifier(
            trust: store, revocation: crl.isEmpty ? .whenAvailable : .required,
            limits: ArchiveLimits(maxEntries: maxEntries, maxTotalBytes: maxBytes), senderIdentity: identity)
        if let revocations { verifier.localRevocation = { revocations.localRevocation($0, $1) } }
        let report: VerificationReport
        do {
            report = try verifier.verify(path: packet)
        } catch {
            throw CommandFailure("cannot read \(packet): \(error)", code: 2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.describe(report))
        }
        if !report.valid { throw ExitCode(1) }
    }

    static func describe(_ report: VerificationReport) -> String {
        var lines: [String] = []
        if let reason = report.reason {
            lines.append("KHÔNG HỢP LỆ / INVALID: \(report.packet) [\(reason.code)]")
            for problem in report.problems {
                lines.append("  - \(problem.message.vi)")
                lines.append("    \(problem.message.en)")
            }
        } else {
            lines.append("HỢP LỆ / VALID: \(report.packet)")
        }
        if let id = report.packetId { lines.append("  packet:   \(id)") }
        if let sender = report.sender { lines.append("  sender:   \(sender.organId) \(sender.organName)") }
        if let number = report.numberAndNotation { lines.append("  document: \(number) — \(report.subject ?? "")") }
        if let signer = report.signer { lines.append("  signer:   \(signer.subject) (serial \(signer.serialNumber))") }
        if let time = report.signingTime { lines.append("  signed:   \(time)") }
        for file in report.files ?? [] {
            lines.append("  file:     \(file.name) (\(file.size) bytes, sha256 \(file.sha256))")
        }
        return lines.joined(separator: "\n")
    }
}
