#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Ledger
import Packets

/// Packets placed into an agency's inbox from outside (another office, a USB stick), received like any delivery:
/// taken by an atomic rename into `inbox/.lienthong/arriving/`, verified while extracted into a hidden staging
/// folder, and then either landed as `inbox/<packet-id>/` (archived, registered, 01 and 03 to the sender) or moved
/// to the agency's rejected/ with a reason (02 to the sender, where the packet says who it is); nothing of a refused
/// packet is extracted anywhere else. A valid packet not addressed to the agency, or a second copy of one already
/// received, is set aside the same way but without a 02: the sender did nothing wrong.
extension DeliveryStage {
    /// Takes and receives each settled packet file; one that fails for a reason that may pass stays for the next try.
    func receive(_ arrivals: [(AgencyCode, String, RawName)], routes: Routes) {
        for (recipient, inbox, name) in arrivals {
            do {
                try prepareArrivalRoots(inbox)
                let claim = paths.arrivals(inbox: inbox) + "/" + UUID().uuidString
                guard let lock = try FileLock.tryAcquire(claim + ".lock") else { continue }
                try FileSystem.makeDirectory(RawPath(claim), mode: 0o700)
                do {
                    try FileSystem.renameNoReplace(Directory.join(inbox, name), Directory.join(claim, name))
                } catch let error as FileError where error.code == ENOENT {
                    _ = RawPath(claim).withCString { rmdir($0) }  // another process took it
                    unlink(claim + ".lock")
                    continue
                }
                try Durable.syncAll([inbox, claim])
                try receiveClaimed(claim, recipient: recipient, inbox: inbox, routes: routes)
                withExtendedLifetime(lock) {}
            } catch {
                logger.error("cannot receive a packet placed in an inbox; it is tried again", metadata: [
                    "agency": "\(recipient)", "name": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Finishes arrivals a stopped process left in `arriving/` (those whose lock is free).
    func resumeArrivals(_ inboxes: [AgencyCode: String], routes: Routes) {
        for (recipient, inbox) in inboxes {
            guard let claims = try? Directory.entries(paths.arrivals(inbox: inbox)) else { continue }
            for entry in claims where entry.kind == .directory {
                guard let name = entry.name.string else { continue }
                let claim = paths.arrivals(inbox: inbox) + "/" + name
                do {
                    guard let lock = try FileLock.tryAcquire(claim + ".lock") else { continue }
                    try receiveClaimed(claim, recipient: recipient, inbox: inbox, routes: routes)
                    withExtendedLifetime(lock) {}
                } catch {
                    logger.error("cannot finish a packet arrival", metadata: ["agency": "\(recipient)", "error": "\(error)"])
                }
            }
        }
    }

    private func prepareArrivalRoots(_ inbox: String) throws {
        for folder in [inbox + "/.lienthong", paths.arrivals(inbox: inbox), paths.deliveryStaging(inbox: inbox)] {
            try FileSystem.makeDirectory(RawPath(folder), mode: 0o700)
        }
    }

    /// Verifies the packet file in `claim` and lands or refuses it; removes the claim when done.
    private func receiveClaimed(_ claim: String, recipient: AgencyCode, inbox: String, routes: Routes) throws {
        try prepareArrivalRoots(inbox)
        guard let packetName = try Directory.entries(claim).first(where: { $0.kind == .file })?.name else {
            _ = RawPath(claim).withCString { rmdir($0) }
            unlink(claim + ".lock")
            return
        }
        let packet = Directory.join(claim, packetName)
        let staging = paths.deliveryStaging(inbox: inbox) + "/arrival-" + (claim as NSString).lastPathComponent
        try FileSystem.removeTree(RawPath(staging))
        try FileSystem.makeDirectory(RawPath(staging), mode: 0o755)
        let verifier = PacketVerifier(trust: routes.trust, revocation: .whenAvailable,
                                      senderIdentity: .registered { routes.certificates[$0] }, clock: clock.now)
        let sink = DestinationSink(directory: staging)
        var report = verifier.verify(try FileDescriptor.openRegularFileForReading(packet.string ?? ""),
                                     displayPath: packetName.description, sink: sink)
        if let failure = sink.failure {
            // The inbox's own disk could not take the documents: the claim stays, and is tried again.
            try? FileSystem.removeTree(RawPath(staging))
            throw failure
        }
        if report.valid, let problem = OfficeFileNames.problem(report.files ?? []) {
            report.problems.append(problem)
        } else if report.valid, let metadata = report.metadata, !metadata.document.to.contains(recipient) {
            let addressees = metadata.document.to.map { code in routes.names[code].map { "\($0) (\(code))" } ?? code.rawValue }
            report.problems.append(PacketProblem(
                "not-addressed-here", check: "receiving",
                vi: "Văn bản \(metadata.document.numberAndNotation) không gửi cho cơ quan này (nơi nhận: \(addressees.joined(separator: "; "))).",
                en: "The document \(metadata.document.numberAndNotation) is not addressed to this agency (recipients: \(metadata.document.to.map(\.rawValue).joined(separator: ", ")))."))
        } else if report.valid, let id = report.packetId,
                  try FileSystem.exists(RawPath(inbox + "/" + id)) || recorder.index.deliveries(id)[recipient.rawValue] != nil {
            let number = try recorder.index.arrivalNumber(packetId: id, agency: recipient.rawValue)
            report.problems.append(PacketProblem(
                "already-received", check: "receiving",
                vi: "Gói tin \(id) đã được nhận trước đây\(number.map { " (số đến \($0))" } ?? "").",
                en: "The packet \(id) was received before\(number.map { " (arrival number \($0))" } ?? "")."))
        }
        guard report.valid, let id = report.packetId, let metadata = report.metadata, let metadataBytes = report.metadataBytes,
              let signature = report.signatureBytes, let packetId = PacketID(id) else {
            try FileSystem.removeTree(RawPath(staging))
            try refuseArrival(packet, name: packetName, claim: claim, recipient: recipient, report: report, routes: routes,
                              staged: sink.bytesWritten)
            return
        }
        // Archive it (this office keeps what it received), then land it in the inbox.
        let ext = packetName.bytes.suffix(3).map { $0 | 0x20 }.elementsEqual("zip".utf8) ? "zip" : "tar"
        let archive = paths.archiveFile(packetId, format: ext)
        let digest = try PacketRecord.digest(packet.string ?? "")
        if !FileSystem.exists(RawPath(archive)) {
            let month = paths.archiveMonth(packetId)
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
            try Durable.writeFile(at: month + "/" + id + ".json", bytes: metadataBytes, replace: true)
        }
        let documents = inspect(metadata.files, in: staging, trust: routes.trust)
        try Durable.writeUnsynced(at: InboxFiles.path(LegalNotice.fileName, in: staging),
                                  bytes: Array(LegalNotice.text(documents, timeZone: calendar.timeZone).utf8))
        try Durable.writeUnsynced(at: InboxFiles.path(PacketLayout.metadataName, in: staging), bytes: metadataBytes)
        try Durable.writeUnsynced(at: InboxFiles.path(PacketLayout.signatureName, in: staging), bytes: signature)
        try FileSystem.rename(packet, RawPath(InboxFiles.path(id + "." + ext, in: staging)))
        let files = try FileManager.default.contentsOfDirectory(atPath: staging).map { staging + "/" + $0 }
        try Durable.syncAll(files + [staging, claim])
        let target = inbox + "/" + id
        try FileSystem.renameNoReplace(RawPath(staging), RawPath(target))
        try Durable.syncAll([inbox])
        let now = clock.now()
        var events: [LedgerEvent] = []
        if try !recorder.index.hasPacket(id) {
            events.append(.received(PacketRecord.packet(metadata, archive: paths.spoolRelative(archive), sha256: digest.sha256,
                                                        size: digest.size), recipient: recipient))
        }
        events.append(.delivered(packetId: packetId, recipient: recipient, path: paths.spoolRelative(target)))
        try recorder.record(events)
        recorder.catalog([metadata], names: routes.names, logger: logger)
        let numbers = try Registrar(recorder: recorder, calendar: calendar, clock: clock).register([
            Arrival(packetId: id, recipient: recipient, secrecy: metadata.document.secrecy, arrivedAt: now,
                    documents: .array(documents.map(\.json)))])
        var statuses = [arrivalStatus(.arrived, metadata, recipient, routes: routes, at: now)]
        if let receipt = numbers["\(id) \(recipient)"] {
            statuses.append(arrivalStatus(.accepted, metadata, recipient, routes: routes, at: receipt.at, number: receipt.number,
                                          late: receipt.late))
        }
        try send(statuses)
        _ = RawPath(claim).withCString { rmdir($0) }
        unlink(claim + ".lock")
        logger.info("received from outside", metadata: ["packet": "\(id)", "agency": "\(recipient)"])
    }

    /// Moves a refused packet file to the recipient's rejected/ with its reason, and tells the sender it names.
    /// `staged` is how many bytes of its documents were written to the staging folder before it was refused.
    private func refuseArrival(_ packet: RawPath, name: RawName, claim: String, recipient: AgencyCode, report: VerificationReport,
                               routes: Routes, staged: Int64) throws {
        let rejected = spool.rejected(recipient)
        if !FileSystem.exists(RawPath(rejected)) { try Durable.makeDirectories(rejected) }
        let (names, reasonBase) = Pipeline.uniqueNames(for: [name], in: rejected)
        let target = Directory.join(rejected, names[name] ?? name)
        try Mover.move(packet, to: target)
        let sender = report.sender?.organId
        let code = report.reason?.code ?? "invalid"
        let setAside = RefusalNote.setAsideCodes.contains(code)
        let text = RefusalNote.text(report, packet: (names[name] ?? name).description, sender: sender,
                                    notified: sender != nil && !setAside, at: clock.now(), timeZone: calendar.timeZone)
        try Durable.writeFile(at: rejected + "/" + ReasonFile.name(for: reasonBase), bytes: Array(text.utf8), replace: true)
        try Durable.syncAll([rejected, claim])
        let reason = report.reason?.message ?? Bilingual(vi: "Gói tin không hợp lệ.", en: "The packet is invalid.")
        // Set aside (a copy, or not for this agency): recorded, but not as a refusal of the document by its recipient.
        let file = paths.spoolRelative(target.string ?? "")
        try recorder.record([setAside
            ? .setAside(packetId: report.packetId ?? "", recipient: recipient, reason: report.reason?.code ?? "invalid", message: reason.en,
                        file: file)
            : .refused(packetId: report.packetId ?? "", recipient: recipient, reason: report.reason?.code ?? "invalid", message: reason.en,
                       file: file)])
        if setAside {
            // No 02: the sender did nothing wrong.
        } else if let sender, let metadata = report.metadata {
            try send([StatusRecord(code: .refused, packetId: metadata.packetId.rawValue, sender: sender,
                                   numberAndNotation: metadata.document.numberAndNotation, issuedDate: metadata.document.issuedDate,
                                   recipient: recipient, recipientName: routes.names[recipient] ?? "", at: clock.now(), reason: reason)])
        } else if let sender {
            try send([StatusRecord(code: .refused, packetId: report.packetId ?? "", sender: sender, numberAndNotation: nil,
                                   issuedDate: nil, recipient: recipient, recipientName: routes.names[recipient] ?? "",
                                   at: clock.now(), reason: reason)])
        }
        _ = RawPath(claim).withCString { rmdir($0) }
        unlink(claim + ".lock")
        logger.error("packet placed in an inbox refused", metadata: ["agency": "\(recipient)", "name": "\(name)",
                                                                    "reason": "\(report.reason?.code ?? "")", "staged": "\(staged)"])
    }

    private func arrivalStatus(_ code: StatusRecord.Code, _ metadata: PacketMetadata, _ recipient: AgencyCode, routes: Routes,
                               at: Date, number: Int64? = nil, late: Bool = false) -> StatusRecord {
        StatusRecord(code: code, packetId: metadata.packetId.rawValue, sender: metadata.from.organId,
                     numberAndNotation: metadata.document.numberAndNotation, issuedDate: metadata.document.issuedDate,
                     recipient: recipient, recipientName: routes.names[recipient] ?? "", at: at, arrivalNumber: number, late: late)
    }
}
