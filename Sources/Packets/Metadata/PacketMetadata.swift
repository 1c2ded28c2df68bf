import Foundation

/// The sending agency as metadata.json names it (edXML `From`).
public struct PacketSender: Sendable, Equatable, Codable {
    /// The agency's code.
    public let organId: AgencyCode
    /// The agency's name, NFC.
    public let organName: String

    public init(organId: AgencyCode, organName: String) {
        self.organId = organId
        self.organName = organName.precomposedNFC
    }
}

/// The certificate that signed metadata.json, as recorded inside it.
public struct SignerRecord: Sendable, Equatable, Codable {
    /// SHA-256 fingerprint of the certificate's DER, lowercase hex.
    public let certificateSha256: String
    /// Subject, one line.
    public let subject: String
    /// Issuer, one line.
    public let issuer: String
    /// Serial number, uppercase hex.
    public let serialNumber: String

    public init(certificateSha256: String, subject: String, issuer: String, serialNumber: String) {
        self.certificateSha256 = certificateSha256
        self.subject = subject
        self.issuer = issuer
        self.serialNumber = serialNumber
    }
}

/// Everything metadata.json says: the clerk's fields plus what the office adds when it packs.
public struct PacketMetadata: Sendable, Equatable {
    /// The version of the metadata layout this code writes (`Templates/packet-metadata.schema.json`).
    public static let currentSchemaVersion = "1.0"

    public var schemaVersion: String
    public var packetId: PacketID
    public var document: ClerkSidecar
    public var from: PacketSender
    public var files: [PayloadFile]
    /// When the packet was made, as written (ISO 8601 with the office's offset).
    public var packedAt: String
    public var signer: SignerRecord

    public init(
        packetId: PacketID, document: ClerkSidecar, from: PacketSender, files: [PayloadFile], packedAt: String,
        signer: SignerRecord, schemaVersion: String = PacketMetadata.currentSchemaVersion
    ) {
        self.schemaVersion = schemaVersion
        self.packetId = packetId
        self.document = document
        self.from = from
        self.files = files
        self.packedAt = packedAt
        self.signer = signer
    }

    /// `packedAt` as an instant.
    public var packedAtDate: Date? { Timestamp.parse(packedAt) }

    /// The metadata as JSON, keys in their documented order.
    public var json: JSONValue {
        let document = self.document
        var members: [(String, JSONValue)] = [
            ("schemaVersion", .string(schemaVersion)),
            ("packetId", .string(packetId.rawValue)),
            ("codeNumber", .string(document.codeNumber)),
            ("codeNotation", .string(document.codeNotation)),
            ("issuedDate", .string(document.issuedDate.description)),
            ("typeName", .string(document.typeName)),
            ("subject", .string(document.subject)),
        ]
        if let signer = document.signerInfo {
            var parts: [(String, JSONValue)] = []
            if let competence = signer.competence { parts.append(("competence", .string(competence))) }
            if let position = signer.position { parts.append(("position", .string(position))) }
            if let fullName = signer.fullName { parts.append(("fullName", .string(fullName))) }
            members.append(("signerInfo", .object(parts)))
        }
        members.append(
            ("from", .object([("organId", .string(from.organId.rawValue)), ("organName", .string(from.organName))])))
        members.append(("to", .array(document.to.map { .string($0.rawValue) })))
        members.append(("priority", .string(document.priority.rawValue)))
        if let secrecy = document.secrecy { members.append(("secrecy", .string(secrecy.rawValue))) }
        if let dueDate = document.dueDate { members.append(("dueDate", .string(dueDate.description))) }
        members += document.extra
        members.append(
            (
                "files",
                .array(
                    files.map { file in
                        .object([
                            ("name", .string(file.name)), ("size", .integer(file.size)),
                            ("sha256", .string(file.sha256)),
                            ("mediaType", .string(file.mediaType)),
                        ])
                    })
            ))
        members.append(("packedAt", .string(packedAt)))
        members.append(
            (
                "signer",
                .object([
                    ("certificateSha256", .string(signer.certificateSha256)), ("subject", .string(signer.subject)),
                    ("issuer", .string(signer.issuer)), ("serialNumber", .string(signer.serialNumber)),
                ])
            ))
        return .object(members)
    }

    /// metadata.json's bytes: UTF-8, NFC, two-space indentation, final newline.
    public var bytes: [UInt8] { JSONWriter.bytes(json) }

    /// Reads metadata.json back, validating the clerk's fields and the office's.
    public static func parse(_ bytes: [UInt8]) throws(SidecarRejection) -> PacketMetadata {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw SidecarRejection([SidecarMessages.syntax(error)])
        }
        var issues: [ClerkIssue] = []
        var document: ClerkSidecar?
        do {
            document = try SidecarParser().parse(value, ignoringPacketFields: true)
        } catch {
            issues += error.issues
        }
        func string(_ path: String, _ value: JSONValue?) -> String? {
            guard let text = value?.stringValue, !text.isEmpty else {
                issues.append(
                    value == nil
                        ? SidecarMessages.missing(path)
                        : SidecarMessages.wrongType(
                            path, expectedVi: "một chuỗi ký tự", expectedEn: "a string", found: value!.typeName))
                return nil
            }
            return text
        }
        let schemaVersion = string("schemaVersion", value["schemaVersion"])
        let packetId = string("packetId", value["packetId"]).flatMap { text -> PacketID? in
            guard let id = PacketID(text) else {
                issues.append(
                    SidecarMessages.issue(
                        "packetId", vi: "Mã gói tin \"\(text)\" không hợp lệ.",
                        en: "The packet id \"\(text)\" is malformed.",
                        doVi: "Gói tin đã bị sửa; yêu cầu gửi lại.", doEn: "The packet was altered; ask for it again."))
                return nil
            }
            return id
        }
        let organId = string("from.organId", value["from"]?["organId"]).flatMap { text -> AgencyCode? in
            guard let code = AgencyCode(text) else {
                issues.append(SidecarMessages.badAgencyCode("from.organId", text))
                return nil
            }
            return code
        }
        let organName = string("from.organName", value["from"]?["organName"])
        let packedAt = string("packedAt", value["packedAt"])
        if let packedAt, Timestamp.parse(packedAt) == nil {
            issues.append(SidecarMessages.badDate("packedAt", packedAt))
        }
        let signerValue = value["signer"]
        let certificateSha256 = string("signer.certificateSha256", signerValue?["certificateSha256"])
        let subject = string("signer.subject", signerValue?["subject"])
        let issuer = string("signer.issuer", signerValue?["issuer"])
        let serialNumber = string("signer.serialNumber", signerValue?["serialNumber"])

        var files: [PayloadFile] = []
        if let list = value["files"]?.arrayValue {
            for (index, entry) in list.enumerated() {
                let path = "files[\(index)]"
                guard let name = string("\(path).name", entry["name"]), let size = entry["size"]?.integerValue,
                    let sha256 = string("\(path).sha256", entry["sha256"]),
                    let mediaType = string("\(path).mediaType", entry["mediaType"]),
                    size >= 0, sha256.count == 64
                else {
                    issues.append(
                        SidecarMessages.wrongType(
                            path, expectedVi: "mô tả tệp {name, size, sha256, mediaType}",
                            expectedEn: "a file record {name, size, sha256, mediaType}", found: entry.typeName))
                    continue
                }
                files.append(PayloadFile(name: name, size: size, sha256: sha256, mediaType: mediaType))
            }
        } else {
            issues.append(SidecarMessages.missing("files"))
        }

        guard issues.isEmpty, let document, let schemaVersion, let packetId, let organId, let organName, let packedAt,
            let certificateSha256, let subject, let issuer, let serialNumber
        else {
            throw SidecarRejection(issues)
        }
        return PacketMetadata(
            packetId: packetId, document: document, from: PacketSender(organId: organId, organName: organName),
            files: files,
            packedAt: packedAt,
            signer: SignerRecord(
                certificateSha256: certificateSha256, subject: subject, issuer: issuer, serialNumber: serialNumber),
            schemaVersion: schemaVersion)
    }
}
