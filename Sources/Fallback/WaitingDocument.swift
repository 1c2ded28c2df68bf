import Foundation
import Packets

/// A document whose delivery waits, as the outage monitor sees it: which packet, from whom, what it says, the
/// recipients it still waits for and those it reached (with when). A plain value the office hands over; the monitor
/// knows nothing of the pipeline.
public struct WaitingDocument: Sendable {
    public let packetId: PacketID
    public let sender: AgencyCode
    /// The document's fields, as signed in the packet's metadata.
    public let document: ClerkSidecar
    /// Recipients it still waits for.
    public let pending: [AgencyCode]
    /// Recipients it reached, and when.
    public let delivered: [AgencyCode: Date]

    public init(
        packetId: PacketID, sender: AgencyCode, document: ClerkSidecar, pending: [AgencyCode],
        delivered: [AgencyCode: Date] = [:]
    ) {
        self.packetId = packetId
        self.sender = sender
        self.document = document
        self.pending = pending
        self.delivered = delivered
    }
}

/// Told of each delivery's outcome, on the thread that delivers (the daemon's loop).
public protocol DeliveryObserver: AnyObject, Sendable {
    /// The recipient's inbox could not be written (the route is failing).
    func deliveryFailed(_ packet: PacketID, to recipient: AgencyCode, error: String, at: Date)
    /// The packet landed in the recipient's inbox.
    func delivered(_ packet: PacketID, to recipient: AgencyCode, at: Date)
    /// The recipient's side was reached but refused the packet (02): the route works, the document will not come.
    func refused(_ packet: PacketID, to recipient: AgencyCode, at: Date)
}
