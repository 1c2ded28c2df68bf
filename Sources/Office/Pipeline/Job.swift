import DurableIO
import Fallback
import Foundation
import Intake
import Packets
import Signing

/// One claimed drop on its way to becoming an archived, delivered packet.
final class Job {
    let claim: Claim
    /// The clerk's fields, once the sidecar is read.
    var document: ClerkSidecar?
    /// The documents to pack: where each is in the claim, and its NFC name in the packet.
    var sources: [PacketSource] = []
    /// The packet, once built.
    var built: BuiltPacket?
    /// Where the packet was written before publication.
    var stagingPath: String?
    /// Where it is archived.
    var archivePath: String?
    /// The metadata, whether just built or read back from the archive (recovery).
    var metadata: PacketMetadata?
    var metadataBytes: [UInt8] = []
    var signature: [UInt8] = []
    /// Recipients still to deliver to, and those delivered (with when).
    var pending: [AgencyCode] = []
    var delivered: [(AgencyCode, Date)] = []
    /// When delivery to a failing recipient is tried next, and the wait after that.
    var retryAt: Date?
    var retryDelay: Duration?
    /// Why the last delivery attempt failed, per recipient.
    var lastFailure: [AgencyCode: String] = [:]
    /// Recipients that registered the packet, with the arrival number they gave and when.
    var receipts: [AgencyCode: Receipt] = [:]
    /// Recipients whose receiving check refused the packet, with why.
    var refusals: [AgencyCode: Bilingual] = [:]
    /// When the drop was complete in the outbox (its newest status change), for the drop-to-archive latency;
    /// unknown for a claim recovered after a restart.
    var droppedAt: Date?
    /// When a delivery of it was first deferred.
    var firstDeferred: Date?

    /// A recipient's registration of the packet.
    struct Receipt {
        let number: Int64
        let at: Date
        /// Given after the end of the working day the packet arrived on.
        let late: Bool
    }

    init(claim: Claim) {
        self.claim = claim
    }

    var id: PacketID { claim.id }
    var agency: AgencyCode { claim.agency }

    /// The job as the outage monitor sees it; nil before its sidecar is read.
    var waiting: WaitingDocument? {
        guard let document = metadata?.document ?? document else { return nil }
        return WaitingDocument(packetId: id, sender: agency, document: document, pending: pending,
                               delivered: Dictionary(delivered, uniquingKeysWith: { first, _ in first }))
    }

    /// Most urgent first, then by packet id (the order of packing).
    static func urgentFirst(_ a: Job, _ b: Job) -> Bool {
        let pa = (a.metadata?.document ?? a.document)?.priority ?? .thuong, pb = (b.metadata?.document ?? b.document)?.priority ?? .thuong
        return pa != pb ? pa > pb : a.id.rawValue < b.id.rawValue
    }
}
