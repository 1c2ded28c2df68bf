import Fallback
import Foundation
import Intake
import Packets

// The values the pipeline's stages hand each other, in order: a claimed drop, a prepared drop, a staged packet, a
// published packet, a shipment. Each stage takes values and returns new ones; nothing is shared and filled in.

/// A drop just claimed from an outbox (or a claim taken over after a restart), before its sidecar is read.
struct ClaimedDrop {
    let claim: Claim
    let id: PacketID
    /// When the drop was complete in the outbox (its newest status change), for the drop-to-archive latency;
    /// unknown for a claim recovered after a restart.
    let droppedAt: Date?

    var sender: AgencyCode { claim.agency }
}

/// A claimed drop whose sidecar and documents were read and checked against the office, its document number
/// reserved: what to pack.
struct PreparedDrop {
    let claimed: ClaimedDrop
    /// The clerk's fields.
    let document: ClerkSidecar
    /// The documents to pack: where each is in the claim, and its NFC name in the packet.
    let sources: [PacketSource]

    var claim: Claim { claimed.claim }
    var id: PacketID { claimed.id }
    var sender: AgencyCode { claimed.sender }
}

/// A packet built into `state/staging`, with its metadata beside it, not yet archived.
struct StagedPacket {
    let drop: PreparedDrop
    let built: BuiltPacket
    /// `state/staging/<id>.<ext>`.
    let path: String

    var id: PacketID { drop.id }
}

/// A packet in the archive and in the journal: what delivery works from. Made by publishing a staged packet, or
/// read back from the archive when a claim is recovered after a crash.
struct PublishedPacket {
    let claim: Claim
    let metadata: PacketMetadata
    /// `archive/YYYY/MM/<id>.<ext>`.
    let archivePath: String
    /// As in `ClaimedDrop`.
    let droppedAt: Date?

    var id: PacketID { metadata.packetId }
    var sender: AgencyCode { claim.agency }
    /// The document as signed.
    var document: ClerkSidecar { metadata.document }
}

/// One delivery: a packet to one recipient.
struct DeliveryKey: Hashable, Sendable {
    let packet: PacketID
    let recipient: AgencyCode
}

/// A recipient's registration of a packet: the arrival number it gave, and when.
struct Receipt: Sendable {
    let number: Int64
    let at: Date
    /// Given after the end of the working day the packet arrived on (Decree 30/2020 Art 21.2).
    let late: Bool
}

/// A published packet on its way to its recipients: who still waits for it, who has it (and their receipts), who
/// refused it, and when the next try is. A value: delivery takes shipments and returns them advanced.
struct Shipment {
    let packet: PublishedPacket
    /// Recipients still to deliver to.
    var pending: [AgencyCode]
    /// Recipients delivered to, with when, in the order they were.
    var delivered: [(recipient: AgencyCode, at: Date)] = []
    /// Recipients that registered the packet.
    var receipts: [AgencyCode: Receipt] = [:]
    /// Recipients whose receiving check refused the packet, with why.
    var refusals: [AgencyCode: Bilingual] = [:]
    /// When delivery to a failing recipient is tried next, and the wait after that; nil: at the next pass.
    var retry: Retry?
    /// Why the last delivery attempt failed, per recipient.
    var lastFailure: [AgencyCode: String] = [:]
    /// When a delivery of it was first deferred.
    var firstDeferred: Date?
    /// Recipients that retired, and the successors delivered to instead.
    var redirects: [AgencyCode: AgencyCode] = [:]
    /// Recipients given up (`queue drop`, retired with no successor), with why.
    var undelivered: [AgencyCode: String] = [:]
    /// Pending recipients an admin holds (`queue hold`): not tried until released.
    var held: Set<AgencyCode> = []
    /// Pending recipients not tried in this pass: their inbox is being moved (`inbox move`), or its place changed
    /// since the pass began. Tried again a second later.
    var paused: Set<AgencyCode> = []
    /// How many delivery attempts failed, per recipient.
    var attempts: [AgencyCode: Int] = [:]

    /// The next try of a deferred delivery.
    struct Retry {
        let at: Date
        let delay: Duration
    }

    init(_ packet: PublishedPacket, pending: [AgencyCode]) {
        self.packet = packet
        self.pending = pending
    }

    var id: PacketID { packet.id }
    /// Whether every recipient has it (or refused it): the originals can be filed under sent/.
    var isDone: Bool { pending.isEmpty }

    /// The shipment as the outage monitor sees it.
    var waiting: WaitingDocument {
        WaitingDocument(
            packetId: id, sender: packet.sender, document: packet.document, pending: pending,
            delivered: Dictionary(delivered.map { ($0.recipient, $0.at) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Since when its deliveries wait: the packet's packing time (kept in the archive, so a restart does not make an
    /// old delivery look new), else when this office first deferred it.
    var waitingSince: Date {
        if let date = Timestamp.parse(packet.metadata.packedAt) { return date }
        return firstDeferred ?? Date()
    }

    /// Most urgent first, then by packet id (the order of packing).
    static func urgentFirst(_ a: Shipment, _ b: Shipment) -> Bool {
        let pa = a.packet.document.priority
        let pb = b.packet.document.priority
        return pa != pb ? pa > pb : a.id.rawValue < b.id.rawValue
    }
}
