import Documents
import DurableIO
import Fallback
import Foundation
import Ledger
import Logging
import Packets
import Signing
import Spool
import WorkingTime

#if canImport(Glibc)
import Glibc
#endif

/// Receiving a packet at one recipient: the one way a packet enters an inbox, whether this office delivers it from
/// its archive (`DeliveryStage`) or it was placed into the inbox from outside (`ArrivalDesk`).
///
/// 1. `extract`: verify the packet as its recipient must (chain to trust/ca, revocation, validity at signing time,
///    the signer registered for the sender, BagIt and payload hashes) while its documents stream into a hidden
///    staging folder of the inbox; judge each document's legal value; write the legal-value notice (and the paper-copy
///    note when its paper copy was registered during an outage), `metadata.json` and its signature beside them — or
///    refuse it, leaving nothing behind.
/// 2. `place` the packet file beside them, `makeDurable`, and `land` the folder as `<inbox>/<packet-id>` (one rename).
/// 3. `acknowledge`: record what landed and what was refused, register each landing with its arrival number, and
///    send the senders their statuses: 01 (arrived), 02 (refused), 03 (registered).
struct Receiver: Sendable {
    let spool: SpoolLayout
    let calendar: WorkingCalendar
    let paths: WorkPaths
    let recorder: Recorder
    let clock: OfficeClock
    let logger: Logger

    /// A packet verified and extracted for one recipient, not yet landed.
    struct Extracted {
        let key: DeliveryKey
        let metadata: PacketMetadata
        /// The verified `metadata.json`, byte for byte.
        let metadataBytes: [UInt8]
        /// The staging folder holding the documents and the office's files beside them.
        let folder: String
        /// What the legal check found for each document.
        let documents: [DocumentLegality]
    }

    /// What verifying a packet for a recipient gave.
    enum Outcome {
        case extracted(Extracted)
        /// Refused, with how many bytes of its documents were written to the staging folder before it was (removed since).
        case refused(VerificationReport, staged: Int64)
    }

    /// A packet in an inbox: to record, register and acknowledge.
    struct Landing {
        let extracted: Extracted
        /// `<inbox>/<packet-id>`.
        let target: String
        /// Whether it was landed now; false when it was found in the inbox after a crash, so that only what the
        /// journal lacks is recorded.
        let fresh: Bool

        var key: DeliveryKey { extracted.key }
    }

    /// A refused packet, already set down in the recipient's rejected/ with its reason: what to record, and the 02
    /// to send when the sender is to be told.
    struct Refusal {
        let event: LedgerEvent
        let status: StatusRecord?
    }

    // MARK: Extracting

    /// Verifies the packet file at `packet` for `recipient`, extracting its documents into `folder` as they stream
    /// past. `check` may find a further problem in a packet that is otherwise valid (not addressed to this agency, a
    /// second copy …). Throws when the recipient's side cannot be written (full, read-only …): that waits and is
    /// tried again, it is never a refusal.
    func extract(
        _ packet: String, shownAs displayPath: String, for recipient: AgencyCode, into folder: String, routes: Routes,
        check: (VerificationReport) throws -> PacketProblem? = { _ in nil }
    ) throws -> Outcome {
        try FileSystem.removeTree(RawPath(folder))  // a half-made earlier attempt
        try FileSystem.makeDirectory(RawPath(folder), mode: 0o755)
        var verifier = PacketVerifier(
            trust: routes.trust, revocation: .whenAvailable,
            senderIdentity: .registered { routes.certificates[$0] }, clock: clock.now)
        let directory = routes.directory
        verifier.localRevocation = { directory.localRevocation($0, $1) }
        let sink = DestinationSink(directory: folder)
        var report = verifier.verify(
            try FileDescriptor.openRegularFileForReading(packet), displayPath: displayPath, sink: sink)
        if let failure = sink.failure {
            try? FileSystem.removeTree(RawPath(folder))
            throw failure
        }
        if report.valid, let problem = OfficeFileNames.problem(report.files ?? []) {
            report.problems.append(problem)
        } else if report.valid, let problem = try check(report) {
            report.problems.append(problem)
        }
        guard report.valid, let metadata = report.metadata, let metadataBytes = report.metadataBytes,
            let signature = report.signatureBytes
        else {
            try FileSystem.removeTree(RawPath(folder))
            return .refused(report, staged: sink.bytesWritten)
        }
        let key = DeliveryKey(packet: metadata.packetId, recipient: recipient)
        let documents = inspect(report.files ?? metadata.files, in: folder, trust: routes.trust)
        try Durable.writeUnsynced(
            at: InboxFiles.path(LegalNotice.fileName, in: folder),
            bytes: Array(LegalNotice.text(documents, timeZone: calendar.timeZone).utf8))
        // Its paper copy came during an outage and was registered then: the clerk must not register it again.
        if let paper = try? recorder.index.paperArrival(packetId: key.packet.rawValue, agency: recipient.rawValue) {
            let text = PaperCopyNote.text(
                number: paper.number, receivedAt: paper.receivedAt.flatMap(Timestamp.parse),
                receivedBy: paper.receivedBy, timeZone: calendar.timeZone)
            try Durable.writeUnsynced(at: InboxFiles.path(PaperCopyNote.fileName, in: folder), bytes: Array(text.utf8))
        }
        try Durable.writeUnsynced(at: InboxFiles.path(PacketLayout.metadataName, in: folder), bytes: metadataBytes)
        try Durable.writeUnsynced(at: InboxFiles.path(PacketLayout.signatureName, in: folder), bytes: signature)
        return .extracted(
            Extracted(key: key, metadata: metadata, metadataBytes: metadataBytes, folder: folder, documents: documents))
    }

    /// The legal value of each document extracted into `folder` (Decision 17/2019 Art 4.1).
    func inspect(_ files: [PayloadFile], in folder: String, trust: TrustStore) -> [DocumentLegality] {
        let inspector = LegalInspector(trust: trust)
        return files.map { inspector.inspect(path: folder + "/" + $0.name, name: $0.name) }
    }

    /// How the packet file comes into the extracted folder.
    enum PacketFile {
        /// Copied from the archive (this office's own packet), under its archive name.
        case copy(archive: String)
        /// Moved in from an arrival's claim, as `<packet-id>.<ext>`.
        case move(RawPath, ext: String)
    }

    /// Puts the packet file beside its documents.
    func place(_ file: PacketFile, into extracted: Extracted) throws {
        switch file {
        case .copy(let archive):
            let name = (archive as NSString).lastPathComponent
            try FileSystem.copyFile(from: RawPath(archive), to: RawPath(InboxFiles.path(name, in: extracted.folder)))
        case .move(let path, let ext):
            try FileSystem.rename(
                path, RawPath(InboxFiles.path(extracted.key.packet.rawValue + "." + ext, in: extracted.folder)))
        }
    }

    // MARK: Landing

    /// Makes every file of the extracted folders, and the folders, durable at once (with `alsoSync`).
    func makeDurable(_ items: [Extracted], alsoSync: [String] = []) throws {
        var written: [String] = []
        for item in items {
            written.append(item.folder)
            written += (try FileManager.default.contentsOfDirectory(atPath: item.folder)).map { item.folder + "/" + $0 }
        }
        try Durable.syncAll(written + alsoSync)
    }

    /// Whether the packet's folder is now in the inbox because of this rename, or was there already.
    enum Landed {
        case landed
        case alreadyThere
    }

    /// Renames the extracted folder into `target` (never replacing a folder there: the staging copy is removed
    /// then). The inbox folder itself is made durable by the caller, once for all its landings.
    func land(_ extracted: Extracted, at target: String) throws -> Landed {
        do {
            try FileSystem.renameNoReplace(RawPath(extracted.folder), RawPath(target))
            return .landed
        } catch let error as FileError where error.code == EEXIST || error.code == ENOTEMPTY {
            try FileSystem.removeTree(RawPath(extracted.folder))
            return .alreadyThere
        }
    }

    // MARK: Acknowledging

    /// Records `extra`, what landed (`delivered`, unless recorded before a crash) and what was refused, in one
    /// journal batch; adds `catalog` to the archive catalog; registers every landing with its arrival number; and
    /// sends the statuses: 01 for each landing (at `now`), 02 for each refusal, 03 for each registration. Returns
    /// the receipts, by delivery.
    func acknowledge(
        _ landings: [Landing], refusals: [Refusal] = [], extra: [LedgerEvent] = [], catalog: [PacketMetadata] = [],
        at now: Date, routes: Routes
    ) throws -> [DeliveryKey: Receipt] {
        let index = recorder.index
        var events = extra
        var statuses: [StatusRecord] = []
        for landing in landings {
            let packet = landing.key.packet.rawValue
            let recipient = landing.key.recipient
            if try landing.fresh || index.deliveries(packet)[recipient.rawValue] == nil {
                events.append(
                    .delivered(
                        packetId: landing.key.packet, recipient: recipient, path: paths.spoolRelative(landing.target)))
            }
            if try landing.fresh || !index.hasStatus(packetId: packet, agency: recipient.rawValue, code: "01") {
                statuses.append(status(.arrived, landing.extracted.metadata, recipient, routes: routes, at: now))
            }
        }
        events += refusals.map(\.event)
        statuses += refusals.compactMap(\.status)
        try recorder.record(events)
        if !catalog.isEmpty { recorder.catalog(catalog, names: routes.names, logger: logger) }
        let receipts = try Registrar(recorder: recorder, calendar: calendar, clock: clock).register(
            landings.map {
                Arrival(
                    packetId: $0.key.packet, recipient: $0.key.recipient,
                    secrecy: $0.extracted.metadata.document.secrecy,
                    arrivedAt: now, documents: .array($0.extracted.documents.map(\.json)))
            })
        for landing in landings {
            guard let receipt = receipts[landing.key] else { continue }
            if try !index.hasStatus(
                packetId: landing.key.packet.rawValue, agency: landing.key.recipient.rawValue, code: "03")
            {
                statuses.append(
                    status(
                        .accepted, landing.extracted.metadata, landing.key.recipient, routes: routes, at: receipt.at,
                        number: receipt.number, late: receipt.late))
            }
        }
        try send(statuses)
        return receipts
    }

    /// A status record about the packet `metadata` describes, from `recipient` to its sender.
    func status(
        _ code: StatusRecord.Code, _ metadata: PacketMetadata, _ recipient: AgencyCode, routes: Routes, at: Date,
        reason: Bilingual? = nil, number: Int64? = nil, late: Bool = false
    ) -> StatusRecord {
        StatusRecord(
            code: code, packetId: metadata.packetId.rawValue, sender: metadata.from.organId,
            numberAndNotation: metadata.document.numberAndNotation, issuedDate: metadata.document.issuedDate,
            recipient: recipient, recipientName: routes.names[recipient] ?? "", at: at, arrivalNumber: number,
            reason: reason, late: late)
    }

    /// Writes each status record into the sender's `status/` folder and records it in the journal.
    func send(_ statuses: [StatusRecord]) throws {
        guard !statuses.isEmpty else { return }
        var written: [String] = []
        var events: [LedgerEvent] = []
        for record in statuses {
            let folder = spool.agency(record.sender) + "/status"
            if FileSystem.exists(RawPath(spool.agency(record.sender))) {
                if !FileSystem.exists(RawPath(folder)) { try Durable.makeDirectories(folder) }
                // A sender may hear 02 more than once about one packet id (copies refused one by one): never overwrite.
                var path = folder + "/" + record.fileName
                var copy = 2
                while FileSystem.exists(RawPath(path)) {
                    path = folder + "/" + String(record.fileName.dropLast(4)) + " (\(copy)).xml"
                    copy += 1
                }
                try Durable.writeUnsynced(at: path, bytes: Array(record.xml(timeZone: calendar.timeZone).utf8))
                written.append(path)
            }
            events.append(
                .status(
                    packetId: record.packetId, sender: record.sender, recipient: record.recipient,
                    code: record.code.rawValue,
                    late: record.late, reason: record.reason?.en, arrivalNumber: record.arrivalNumber))
        }
        try Durable.syncAll(written + Set(written.map { ($0 as NSString).deletingLastPathComponent }))
        try recorder.record(events)
    }

    // MARK: Refusing

    /// This office's packet refused by `recipient`'s check: a copy of the archive file goes to the recipient's
    /// rejected/ with a reason file (the same names at every try, so a retry after a crash replaces rather than adds);
    /// nothing of it is extracted anywhere else. The sender is told (02).
    func refuse(
        archived archive: String, metadata: PacketMetadata, at recipient: AgencyCode, report: VerificationReport,
        routes: Routes
    ) throws -> Refusal {
        let rejected = spool.rejected(recipient)
        if !FileSystem.exists(RawPath(rejected)) { try Durable.makeDirectories(rejected) }
        let name = (archive as NSString).lastPathComponent
        if !FileSystem.exists(RawPath(rejected + "/" + name)) {
            try FileSystem.copyFile(from: RawPath(archive), to: RawPath(rejected + "/" + name))
        }
        let text = RefusalNote.text(
            report, packet: name, sender: metadata.from.organId, notified: true, at: clock.now(),
            timeZone: calendar.timeZone)
        try Durable.writeFile(at: rejected + "/" + ReasonFile.name(for: name), bytes: Array(text.utf8), replace: true)
        try Durable.syncAll([rejected + "/" + name, rejected])
        let reason = report.reason?.message ?? Bilingual(vi: "Gói tin không hợp lệ.", en: "The packet is invalid.")
        let event = LedgerEvent.refused(
            packetId: metadata.packetId.rawValue, recipient: recipient, reason: report.reason?.code ?? "invalid",
            message: reason.en, file: nil)
        return Refusal(
            event: event, status: status(.refused, metadata, recipient, routes: routes, at: clock.now(), reason: reason)
        )
    }

    /// A packet file placed into `recipient`'s inbox and refused: moved to the recipient's rejected/ (under a name
    /// nothing there has) with its reason. The sender it names is told (02) — unless the packet is only set aside
    /// (a second copy, or a valid packet not addressed here): the sender did nothing wrong, and it is recorded, but
    /// not as a refusal of the document by its recipient.
    func refuse(
        placed packet: RawPath, name: RawName, at recipient: AgencyCode, report: VerificationReport,
        routes: Routes, alsoSync: [String]
    ) throws -> Refusal {
        let rejected = spool.rejected(recipient)
        if !FileSystem.exists(RawPath(rejected)) { try Durable.makeDirectories(rejected) }
        let (names, reasonBase) = Pipeline.uniqueNames(for: [name], in: rejected)
        let target = Directory.join(rejected, names[name] ?? name)
        try Mover.move(packet, to: target)
        let sender = report.sender?.organId
        let code = report.reason?.code ?? "invalid"
        let setAside = RefusalNote.setAsideCodes.contains(code)
        let text = RefusalNote.text(
            report, packet: (names[name] ?? name).description, sender: sender,
            notified: sender != nil && !setAside, at: clock.now(), timeZone: calendar.timeZone)
        try Durable.writeFile(
            at: rejected + "/" + ReasonFile.name(for: reasonBase), bytes: Array(text.utf8), replace: true)
        try Durable.syncAll([rejected] + alsoSync)
        let reason = report.reason?.message ?? Bilingual(vi: "Gói tin không hợp lệ.", en: "The packet is invalid.")
        let file = paths.spoolRelative(target.string ?? "")
        let event: LedgerEvent =
            setAside
            ? .setAside(
                packetId: report.packetId ?? "", recipient: recipient, reason: code, message: reason.en, file: file)
            : .refused(
                packetId: report.packetId ?? "", recipient: recipient, reason: code, message: reason.en, file: file)
        let status: StatusRecord?
        if setAside {
            status = nil  // no 02: the sender did nothing wrong
        } else if let sender {
            status = StatusRecord(
                code: .refused, packetId: report.metadata?.packetId.rawValue ?? report.packetId ?? "", sender: sender,
                numberAndNotation: report.metadata?.document.numberAndNotation,
                issuedDate: report.metadata?.document.issuedDate, recipient: recipient,
                recipientName: routes.names[recipient] ?? "", at: clock.now(), reason: reason)
        } else {
            status = nil
        }
        return Refusal(event: event, status: status)
    }
}
