/// The outcome of verifying one packet; `lienthong verify --json` prints it.
public struct VerificationReport: Sendable, Codable {
    /// One check and whether it passed.
    public struct Check: Sendable, Codable, Equatable {
        public let name: String
        public let passed: Bool
    }

    /// The signer as the verification saw it.
    public struct Signer: Sendable, Codable, Equatable {
        public let subject: String
        public let issuer: String
        public let serialNumber: String
        public let certificateSha256: String
        public let notBefore: String
        public let notAfter: String
    }

    /// The packet file that was checked.
    public var packet: String
    /// True when every check passed.
    public var valid: Bool { problems.isEmpty }
    /// The first problem in check order: the reason the packet is refused.
    public var reason: PacketProblem? { problems.first }
    /// Every problem found.
    public var problems: [PacketProblem] = []
    /// Each check, in the order they are made.
    public var checks: [Check] = []
    /// The packet's identifier, once known.
    public var packetId: String?
    /// The metadata, when it could be read.
    public var sender: PacketSender?
    public var numberAndNotation: String?
    public var subject: String?
    public var files: [PayloadFile]?
    /// The signer's certificate and the signing time it claimed.
    public var signer: Signer?
    public var signingTime: String?
    /// metadata.json's and metadata.json.p7s's exact bytes, when the packet held them (not part of `--json`).
    public var metadataBytes: [UInt8]?
    public var signatureBytes: [UInt8]?
    /// The metadata, when it could be read (not part of `--json`: its fields are).
    public var metadata: PacketMetadata?

    public init(packet: String) {
        self.packet = packet
    }

    enum CodingKeys: String, CodingKey {
        case packet, valid, reason, problems, checks, packetId, sender, numberAndNotation, subject, files, signer,
            signingTime
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(packet, forKey: .packet)
        try container.encode(valid, forKey: .valid)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(problems, forKey: .problems)
        try container.encode(checks, forKey: .checks)
        try container.encodeIfPresent(packetId, forKey: .packetId)
        try container.encodeIfPresent(sender, forKey: .sender)
        try container.encodeIfPresent(numberAndNotation, forKey: .numberAndNotation)
        try container.encodeIfPresent(subject, forKey: .subject)
        try container.encodeIfPresent(files, forKey: .files)
        try container.encodeIfPresent(signer, forKey: .signer)
        try container.encodeIfPresent(signingTime, forKey: .signingTime)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        packet = try container.decode(String.self, forKey: .packet)
        problems = try container.decode([PacketProblem].self, forKey: .problems)
        checks = try container.decode([Check].self, forKey: .checks)
        packetId = try container.decodeIfPresent(String.self, forKey: .packetId)
        sender = try container.decodeIfPresent(PacketSender.self, forKey: .sender)
        numberAndNotation = try container.decodeIfPresent(String.self, forKey: .numberAndNotation)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        files = try container.decodeIfPresent([PayloadFile].self, forKey: .files)
        signer = try container.decodeIfPresent(Signer.self, forKey: .signer)
        signingTime = try container.decodeIfPresent(String.self, forKey: .signingTime)
    }

    /// Adds the checks of `fragment` (made on their own) and what they learnt of the packet.
    mutating func merge(_ fragment: VerificationReport) {
        checks += fragment.checks
        problems += fragment.problems
        metadata = fragment.metadata ?? metadata
        sender = fragment.sender ?? sender
        numberAndNotation = fragment.numberAndNotation ?? numberAndNotation
        subject = fragment.subject ?? subject
        files = fragment.files ?? files
        signer = fragment.signer ?? signer
        signingTime = fragment.signingTime ?? signingTime
    }

    mutating func record(_ name: String, _ problems: [PacketProblem]) {
        checks.append(Check(name: name, passed: problems.isEmpty))
        self.problems += problems
    }
}
