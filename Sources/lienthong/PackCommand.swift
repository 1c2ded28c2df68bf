import Archiving
import ArgumentParser
import DurableIO
import Foundation
import Packets
import Signing

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Build one signed packet from documents and a clerk's sidecar.",
        discussion: """
            The packet is a BagIt bag in one tar (or zip) file: the documents under data/, metadata.json with their \
            SHA-256 hashes, and metadata.json.p7s, a detached CMS signature by the sending agency's key. An encrypted \
            key's passphrase is read from $LIENTHONG_KEY_PASSPHRASE or from --key-passphrase-file, never from the \
            command line.
            """
    )

    @Argument(help: "The documents (main text first, then appendices).")
    var files: [String]

    @Option(help: "The clerk's sidecar (JSON).")
    var metadata: String

    @Option(help: "The sending agency's code, NNN.NN.NN.Xnn.")
    var from: String

    @Option(help: "The sending agency's name (default: the certificate's O, else CN).")
    var fromName: String?

    @Option(help: "The agency's private key (PEM; readable by its owner only).")
    var key: String

    @Option(help: "File holding the passphrase of an encrypted key.")
    var keyPassphraseFile: String?

    @Option(help: "The agency's certificate (PEM).")
    var cert: String

    @Option(help: "Intermediate CA certificates to embed in the signature (PEM).")
    var chain: [String] = []

    @Option(name: .shortAndLong, help: "The packet file to write: OUT.tar or OUT.zip.")
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        guard AgencyCode(from) != nil else {
            throw ValidationError("--from \(from) is not an agency code NNN.NN.NN.Xnn")
        }
        guard ArchiveFormat(fileName: output) != nil else { throw ValidationError("-o must name a .tar or .zip file") }
        guard !files.isEmpty else { throw ValidationError("give at least one document") }
    }

    func run() throws {
        let code = AgencyCode(from)!
        let format = ArchiveFormat(fileName: output)!
        let sidecarBytes: [UInt8]
        do {
            sidecarBytes = try Durable.readSmallFile(metadata, limit: SidecarParser.maxBytes)
        } catch {
            throw CommandFailure("cannot read the sidecar: \(error)", code: 2)
        }
        let document: ClerkSidecar
        do {
            document = try SidecarParser().parse(sidecarBytes)
        } catch {
            throw CommandFailure(Report.issues(error.issues, heading: "The sidecar \(metadata) cannot be used"))
        }

        let signer: CMSSigner
        let certificate: Certificate
        do {
            let passphrase: PassphraseSource =
                keyPassphraseFile.map(PassphraseSource.file)
                ?? .environment(PassphraseSource.defaultEnvironmentVariable)
            let privateKey = try PrivateKey.load(path: key, passphrase: passphrase)
            guard let loaded = try Certificate.load(path: cert).first else {
                throw SigningError.noPEMObject(path: cert, expected: "certificate")
            }
            certificate = loaded
            signer = try CMSSigner(
                key: privateKey, certificate: certificate, chain: chain.flatMap { try Certificate.load(path: $0) })
        } catch {
            throw CommandFailure("\(error)")
        }
        let named = certificate.agencyCodes.compactMap(AgencyCode.init)
        if !named.isEmpty, !named.contains(code) {
            throw CommandFailure(
                "the certificate belongs to \(named.map(\.rawValue).joined(separator: ", ")), not to \(code)")
        }
        let organName = fromName ?? certificate.subject["O"] ?? certificate.subject["CN"] ?? code.rawValue
        let builder = PacketBuilder(
            sender: PacketSender(organId: code, organName: organName), signer: signer, format: format)

        var built: BuiltPacket?
        do {
            try Durable.writeFile(at: output, replace: force) { descriptor in
                built = try builder.build(
                    document: document, sources: files.map { PacketSource(path: $0) }, into: descriptor)
            }
        } catch let error as PacketBuildError {
            throw CommandFailure(Report.issues(error.issues, heading: "The packet cannot be built"))
        } catch let error as FileError where error.code == EEXIST {
            throw CommandFailure("\(output) already exists; use --force to replace it")
        } catch {
            throw CommandFailure("cannot write \(output): \(error)")
        }
        guard let built else { return }
        print(
            "\(built.metadata.packetId)\t\(output)\t\(built.metadata.files.count) file(s)\t\(built.archiveSize) bytes")
    }
}
