import DurableIO
import Foundation
import Intake
import Ledger
import Logging
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// Packets placed into an agency's inbox from outside (another office, a USB stick), received like any delivery:
/// claimed (the same `Claim` as an outbox drop) into `inbox/.lienthong/arriving/`, verified while extracted into a
/// hidden staging folder (`Receiver`), and then either landed as `inbox/<packet-id>/` (archived, registered, 01 and
/// 03 to the sender) or moved to the agency's rejected/ with a reason (02 to the sender, where the packet says who it
/// is); nothing of a refused packet is extracted anywhere else. A valid packet not addressed to the agency, or a
/// second copy of one already received, is set aside the same way but without a 02: the sender did nothing wrong.
struct ArrivalDesk: Sendable {
    let receiver: Receiver

    var paths: WorkPaths { receiver.paths }
    var logger: Logger { receiver.logger }

    /// Claims and receives each settled packet file; one that fails for a reason that may pass stays for the next try.
    func receive(_ arrivals: [PlacedPacket], routes: Routes) {
        var gate = InboxGate(spool: paths.spool, routes: routes)  // not into an inbox being moved
        defer { withExtendedLifetime(gate) {} }
        for placed in arrivals where gate.isOpen(placed.agency) {
            do {
                try prepareRoots(placed.inbox)
                let drop = Drop(agency: placed.agency, shape: .single(placed.name))
                guard
                    let claim = try Claim.take(
                        drop, from: placed.inbox, into: paths.arrivals(inbox: placed.inbox),
                        name: UUID().uuidString)
                else { continue }  // another process took it
                try Durable.syncAll([placed.inbox, claim.directory])
                try receive(claim, inbox: placed.inbox, routes: routes)
            } catch {
                logger.error(
                    "cannot receive a packet placed in an inbox; it is tried again",
                    metadata: [
                        "agency": "\(placed.agency)", "name": "\(placed.name)", "error": "\(error)",
                    ])
            }
        }
    }

    /// Finishes arrivals a stopped process left in `arriving/` (those whose lock is free).
    func resume(_ inboxes: [AgencyCode: String], routes: Routes) {
        var gate = InboxGate(spool: paths.spool, routes: routes)
        defer { withExtendedLifetime(gate) {} }
        for (recipient, inbox) in inboxes where gate.isOpen(recipient) {
            let root = paths.arrivals(inbox: inbox)
            guard let claims = try? Directory.entries(root) else { continue }
            for entry in claims where entry.kind == .directory {
                guard let name = entry.name.string else { continue }
                do {
                    guard let claim = try Claim.resume(recipient, in: root, name: name) else { continue }
                    try receive(claim, inbox: inbox, routes: routes)
                } catch {
                    logger.error(
                        "cannot finish a packet arrival", metadata: ["agency": "\(recipient)", "error": "\(error)"])
                }
            }
        }
    }

    private func prepareRoots(_ inbox: String) throws {
        for folder in [inbox + "/.lienthong", paths.arrivals(inbox: inbox), paths.deliveryStaging(inbox: inbox)] {
            try FileSystem.makeDirectory(RawPath(folder), mode: 0o700)
        }
    }

    /// Verifies the packet file in `claim` and lands or refuses it; drops the claim when done.
    private func receive(_ claim: Claim, inbox: String, routes: Routes) throws {
        let recipient = claim.agency
        try prepareRoots(inbox)
        guard let packetName = try Directory.entries(claim.directory).first(where: { $0.kind == .file })?.name else {
            claim.abandon()
            return
        }
        let packet = Directory.join(claim.directory, packetName)
        let staging = paths.deliveryStaging(inbox: inbox) + "/arrival-" + claim.name
        let index = receiver.recorder.index
        let outcome = try receiver.extract(
            packet.string ?? "", shownAs: packetName.description, for: recipient, into: staging,
            routes: routes
        ) { report in
            if let metadata = report.metadata, !routes.isAddressed(metadata.document.to, to: recipient) {
                let addressees = metadata.document.to.map { code in
                    routes.names[code].map { "\($0) (\(code))" } ?? code.rawValue
                }
                return PacketProblem(
                    "not-addressed-here", check: "receiving",
                    vi:
                        "Văn bản \(metadata.document.numberAndNotation) không gửi cho cơ quan này (nơi nhận: \(addressees.joined(separator: "; "))).",
                    en:
                        "The document \(metadata.document.numberAndNotation) is not addressed to this agency (recipients: \(metadata.document.to.map(\.rawValue).joined(separator: ", ")))."
                )
            }
            if let id = report.packetId,
                try FileSystem.exists(RawPath(inbox + "/" + id)) || index.deliveries(id)[recipient.rawValue] != nil
            {
                let number = try index.arrivalNumber(packetId: id, agency: recipient.rawValue)
                return PacketProblem(
                    "already-received", check: "receiving",
                    vi: "Gói tin \(id) đã được nhận trước đây\(number.map { " (số đến \($0))" } ?? "").",
                    en: "The packet \(id) was received before\(number.map { " (arrival number \($0))" } ?? "").")
            }
            return nil
        }
        let extracted: Receiver.Extracted
        switch outcome {
        case .refused(let report, let staged):
            let refusal = try receiver.refuse(
                placed: packet, name: packetName, at: recipient, report: report, routes: routes,
                alsoSync: [claim.directory])
            _ = try receiver.acknowledge([], refusals: [refusal], at: receiver.clock.now(), routes: routes)
            claim.abandon()
            logger.error(
                "packet placed in an inbox refused",
                metadata: [
                    "agency": "\(recipient)", "name": "\(packetName)",
                    "reason": "\(report.reason?.code ?? "")", "staged": "\(staged)",
                ])
            return
        case .extracted(let item):
            extracted = item
        }
        // Archive it (this office keeps what it received), then land it in the inbox.
        let id = extracted.key.packet
        let ext = packetName.bytes.suffix(3).map { $0 | 0x20 }.elementsEqual("zip".utf8) ? "zip" : "tar"
        let archive = paths.archiveFile(id, format: ext)
        let digest = try PacketRecord.digest(packet.string ?? "")
        if !FileSystem.exists(RawPath(archive)) {
            let month = paths.archiveMonth(id)
            if !FileSystem.exists(RawPath(month)) { try Durable.makeDirectories(month) }
            try Durable.writeFile(at: archive, replace: false) { output in
                let input = try FileDescriptor.openRegularFileForReading(packet.string ?? "")
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
                defer { buffer.deallocate() }
                while true {
                    let count = try input.read(into: buffer)
                    if count == 0 { break }
                    try output.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                }
            }
            try Durable.writeFile(
                at: month + "/" + id.rawValue + ".json", bytes: extracted.metadataBytes, replace: true)
        }
        try receiver.place(.move(packet, ext: ext), into: extracted)
        try receiver.makeDurable([extracted], alsoSync: [claim.directory])
        let target = inbox + "/" + id.rawValue
        if case .alreadyThere = try receiver.land(extracted, at: target) {
            // Set aside as a copy at the next try.
            throw FileError("receive (landed meanwhile)", path: target, code: EEXIST)
        }
        try Durable.syncAll([inbox])
        var received: [LedgerEvent] = []
        if try !index.hasPacket(id.rawValue) {
            received.append(
                .received(
                    PacketRecord.packet(
                        extracted.metadata, archive: paths.spoolRelative(archive),
                        sha256: digest.sha256, size: digest.size), recipient: recipient))
        }
        _ = try receiver.acknowledge(
            [Receiver.Landing(extracted: extracted, target: target, fresh: true)], extra: received,
            catalog: [extracted.metadata], at: receiver.clock.now(), routes: routes)
        claim.abandon()
        logger.info("received from outside", metadata: ["packet": "\(id)", "agency": "\(recipient)"])
    }
}
