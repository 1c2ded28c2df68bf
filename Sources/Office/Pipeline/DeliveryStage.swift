#if canImport(Glibc)
import Glibc
#endif
import Documents
import DurableIO
import Foundation
import Ledger
import Logging
import Packets
import Signing
import Spool

/// Delivering archived packets into the recipients' inboxes and filing the originals under sent/: a value holding
/// only what delivery needs (not the roster, not the outbox watch).
struct DeliveryStage: Sendable {
    let spool: SpoolLayout
    let config: OfficeConfig
    let paths: WorkPaths
    let recorder: Recorder
    let clock: OfficeClock
    let logger: Logger
    /// Told of every delivery that lands or fails (the outage monitor), on the calling thread.
    var observer: (any DeliveryObserver)?

    var calendar: WorkingCalendar { WorkingCalendar(config.calendar) }

    /// What assembling one delivery gave: a staging folder ready to rename into the inbox, or a refusal.
    enum Staged {
        case ready(String, [DocumentLegality])
        case refused(VerificationReport)
    }

    /// Delivers each job to every recipient still pending: `inbox/<packet-id>/` with the documents ready to open,
    /// metadata.json, its signature and the packet file. Each recipient's side first verifies the packet (chain to
    /// trust/ca, revocation, validity at signing time, the signer registered for the sender, BagIt and payload
    /// hashes) while extracting it into the inbox's hidden staging folder; a packet that fails is refused (02), one
    /// that passes lands (01) and is registered with its arrival number (03). A recipient whose inbox cannot be
    /// reached stays pending, with a growing wait before the next try.
    func deliver(_ jobs: [Job], routes: Routes) throws {
        var landed: [(Job, AgencyCode, String, String)] = []  // job, recipient, staging folder ("" if already there), final folder
        var legal: [String: [DocumentLegality]] = [:]  // by "<packet> <recipient>"
        var toStage: [(Job, AgencyCode, String)] = []
        for job in jobs {
            for recipient in job.pending {
                do {
                    let inbox = try reachableInbox(recipient, routes: routes)
                    let target = inbox + "/" + job.id.rawValue
                    if FileSystem.exists(RawPath(target)) {
                        landed.append((job, recipient, "", target))  // delivered before a crash, not yet recorded
                        continue
                    }
                    try prepareStagingRoot(inbox)
                    toStage.append((job, recipient, inbox))
                } catch {
                    deferDelivery(job, to: recipient, because: error)
                }
            }
        }
        // Each delivery is verified and assembled on its own, in parallel, in its own staging folder.
        let outcomes = toStage.parallelMap { job, recipient, inbox in
            Result { try stageDelivery(job, to: recipient, inbox: inbox, routes: routes) }
        }
        var refused: [(Job, AgencyCode, VerificationReport)] = []
        for ((job, recipient, inbox), outcome) in zip(toStage, outcomes) {
            switch outcome {
            case .success(.ready(let staging, let documents)):
                landed.append((job, recipient, staging, inbox + "/" + job.id.rawValue))
                legal["\(job.id) \(recipient)"] = documents
            case .success(.refused(let report)): refused.append((job, recipient, report))
            case .failure(let error): deferDelivery(job, to: recipient, because: error)
            }
        }
        var events: [LedgerEvent] = []
        var statuses: [StatusRecord] = []
        var arrivals: [Arrival] = []
        if !landed.isEmpty {
            var written: [String] = []
            for (_, _, staging, _) in landed where !staging.isEmpty {
                written.append(staging)
                written += (try FileManager.default.contentsOfDirectory(atPath: staging)).map { staging + "/" + $0 }
            }
            do {
                try Durable.syncAll(written)
            } catch {
                // The recipients' disks could not make the documents durable: those deliveries wait, like any
                // other failure of the destination.
                for (job, recipient, staging, _) in landed where !staging.isEmpty {
                    try? FileSystem.removeTree(RawPath(staging))
                    deferDelivery(job, to: recipient, because: error)
                }
                landed.removeAll { !$0.2.isEmpty }
            }
            var inboxes: Set<String> = []
            let now = clock.now()
            for (job, recipient, staging, target) in landed {
                if !staging.isEmpty {
                    do {
                        try FileSystem.renameNoReplace(RawPath(staging), RawPath(target))
                    } catch let error as FileError where error.code == EEXIST || error.code == ENOTEMPTY {
                        try FileSystem.removeTree(RawPath(staging))
                    } catch {
                        deferDelivery(job, to: recipient, because: error)
                        continue
                    }
                }
                inboxes.insert((target as NSString).deletingLastPathComponent)
                job.pending.removeAll { $0 == recipient }
                job.delivered.append((recipient, now))
                job.lastFailure[recipient] = nil
                observer?.delivered(job, to: recipient, at: now)
                // After a crash, what already reached the journal is not recorded again.
                let index = recorder.index
                if try staging.isEmpty == false || index.deliveries(job.id.rawValue)[recipient.rawValue] == nil {
                    events.append(.delivered(packetId: job.id, recipient: recipient, path: paths.spoolRelative(target)))
                }
                if try staging.isEmpty == false || !index.hasStatus(packetId: job.id.rawValue, agency: recipient.rawValue, code: "01") {
                    statuses.append(status(.arrived, job, recipient, routes: routes, at: now))
                }
                arrivals.append(Arrival(packetId: job.id.rawValue, recipient: recipient, secrecy: job.metadata?.document.secrecy,
                                        arrivedAt: now, documents: .array((legal["\(job.id) \(recipient)"] ?? []).map(\.json))))
            }
            try Durable.syncAll(Array(inboxes))
        }
        for (job, recipient, report) in refused {
            try refuse(job, at: recipient, report: report)
            observer?.refused(job, to: recipient, at: clock.now())
            let reason = report.reason?.message ?? Bilingual(vi: "Gói tin không hợp lệ.", en: "The packet is invalid.")
            events.append(.refused(packetId: job.id.rawValue, recipient: recipient, reason: report.reason?.code ?? "invalid",
                                   message: reason.en, file: nil))
            statuses.append(status(.refused, job, recipient, routes: routes, at: clock.now(), reason: reason))
        }
        try recorder.record(events)
        let numbers = try Registrar(recorder: recorder, calendar: calendar, clock: clock).register(arrivals)
        for (job, recipient, _, _) in landed where !job.pending.contains(recipient) {
            guard let receipt = numbers["\(job.id.rawValue) \(recipient)"] else { continue }
            job.receipts[recipient] = Job.Receipt(number: receipt.number, at: receipt.at, late: receipt.late)
            if try !recorder.index.hasStatus(packetId: job.id.rawValue, agency: recipient.rawValue, code: "03") {
                statuses.append(status(.accepted, job, recipient, routes: routes, at: receipt.at, number: receipt.number, late: receipt.late))
            }
        }
        try send(statuses)
    }

    /// A status record about `job` from `recipient`.
    private func status(_ code: StatusRecord.Code, _ job: Job, _ recipient: AgencyCode, routes: Routes, at: Date,
                        reason: Bilingual? = nil, number: Int64? = nil, late: Bool = false) -> StatusRecord {
        let document = job.metadata?.document ?? job.document
        return StatusRecord(code: code, packetId: job.id.rawValue, sender: job.agency, numberAndNotation: document?.numberAndNotation,
                            issuedDate: document?.issuedDate, recipient: recipient, recipientName: routes.names[recipient] ?? "",
                            at: at, arrivalNumber: number, reason: reason, late: late)
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
            events.append(.status(packetId: record.packetId, sender: record.sender, recipient: record.recipient, code: record.code.rawValue,
                                  late: record.late, reason: record.reason?.en, arrivalNumber: record.arrivalNumber))
        }
        try Durable.syncAll(written + Set(written.map { ($0 as NSString).deletingLastPathComponent }))
        try recorder.record(events)
    }

    /// A refused delivery: the packet file goes to the recipient's rejected/ with a reason file; nothing of it is
    /// extracted anywhere else.
    private func refuse(_ job: Job, at recipient: AgencyCode, report: VerificationReport) throws {
        job.pending.removeAll { $0 == recipient }
        job.refusals[recipient] = report.reason?.message
        logger.error("delivery refused by the receiving check", metadata: ["packet": "\(job.id)", "recipient": "\(recipient)",
                                                                           "reason": "\(report.reason?.code ?? "")"])
        guard let archive = job.archivePath else { return }
        let rejected = spool.rejected(recipient)
        if !FileSystem.exists(RawPath(rejected)) { try Durable.makeDirectories(rejected) }
        let name = (archive as NSString).lastPathComponent
        if !FileSystem.exists(RawPath(rejected + "/" + name)) {
            try FileSystem.copyFile(from: RawPath(archive), to: RawPath(rejected + "/" + name))
        }
        let text = RefusalNote.text(report, packet: name, sender: job.agency, notified: true, at: clock.now(),
                                    timeZone: calendar.timeZone)
        try Durable.writeFile(at: rejected + "/" + ReasonFile.name(for: name), bytes: Array(text.utf8), replace: true)
        try Durable.syncAll([rejected + "/" + name, rejected])
    }

    /// The recipient's inbox, created when it is the agency's own folder; a configured path (a mounted share)
    /// that is missing is an error, never created.
    func reachableInbox(_ recipient: AgencyCode, routes: Routes) throws -> String {
        let inbox = routes.inboxes[recipient] ?? spool.inbox(recipient)
        if !FileSystem.exists(RawPath(inbox)) {
            guard !routes.configured.contains(recipient) else { throw FileError("inbox", path: inbox, code: ENOENT) }
            try Durable.makeDirectories(inbox)
        }
        return inbox
    }

    /// Makes `<inbox>/.lienthong/staging`, once, before deliveries are assembled in it in parallel.
    private func prepareStagingRoot(_ inbox: String) throws {
        try FileSystem.makeDirectory(RawPath(inbox + "/.lienthong"), mode: 0o700)
        try FileSystem.makeDirectory(RawPath(paths.deliveryStaging(inbox: inbox)), mode: 0o700)
    }

    /// Verifies the archived packet as its recipient must, extracting its documents into
    /// `<inbox>/.lienthong/staging/<packet-id>` as they stream past; then adds metadata.json, its signature and the
    /// packet file. A packet that fails leaves nothing behind.
    private func stageDelivery(_ job: Job, to recipient: AgencyCode, inbox: String, routes: Routes) throws -> Staged {
        let root = paths.deliveryStaging(inbox: inbox)
        let staging = root + "/" + job.id.rawValue
        try FileSystem.removeTree(RawPath(staging))  // a half-made earlier attempt
        try FileSystem.makeDirectory(RawPath(staging), mode: 0o755)
        guard let archive = job.archivePath else { throw FileError("deliver (not archived)", path: job.id.rawValue, code: EINVAL) }
        let verifier = PacketVerifier(trust: routes.trust, revocation: .whenAvailable,
                                      senderIdentity: .registered { routes.certificates[$0] }, clock: clock.now)
        let sink = DestinationSink(directory: staging)
        var report = verifier.verify(try FileDescriptor.openRegularFileForReading(archive), displayPath: archive, sink: sink)
        if let failure = sink.failure {
            // The recipient's side could not be written (full, read-only …): wait and retry, never refuse.
            try? FileSystem.removeTree(RawPath(staging))
            throw failure
        }
        if report.valid, let problem = OfficeFileNames.problem(report.files ?? []) { report.problems.append(problem) }
        guard report.valid else {
            try FileSystem.removeTree(RawPath(staging))
            return .refused(report)
        }
        let documents = inspect(report.files ?? [], in: staging, trust: routes.trust)
        try Durable.writeUnsynced(at: InboxFiles.path(LegalNotice.fileName, in: staging),
                                  bytes: Array(LegalNotice.text(documents, timeZone: calendar.timeZone).utf8))
        // Its paper copy came during an outage and was registered then: the clerk must not register it again.
        if let paper = try? recorder.index.paperArrival(packetId: job.id.rawValue, agency: recipient.rawValue) {
            let text = PaperCopyNote.text(number: paper.number, receivedAt: paper.receivedAt.flatMap(Timestamp.parse),
                                          receivedBy: paper.receivedBy, timeZone: calendar.timeZone)
            try Durable.writeUnsynced(at: InboxFiles.path(PaperCopyNote.fileName, in: staging), bytes: Array(text.utf8))
        }
        try Durable.writeUnsynced(at: InboxFiles.path(PacketLayout.metadataName, in: staging), bytes: job.metadataBytes)
        try Durable.writeUnsynced(at: InboxFiles.path(PacketLayout.signatureName, in: staging), bytes: job.signature)
        try FileSystem.copyFile(from: RawPath(archive), to: RawPath(InboxFiles.path((archive as NSString).lastPathComponent, in: staging)))
        return .ready(staging, documents)
    }

    /// The legal value of each document extracted into `folder` (Decision 17/2019 Art 4.1).
    func inspect(_ files: [PayloadFile], in folder: String, trust: TrustStore) -> [DocumentLegality] {
        let inspector = LegalInspector(trust: trust)
        return files.map { inspector.inspect(path: folder + "/" + $0.name, name: $0.name) }
    }

    private func deferDelivery(_ job: Job, to recipient: AgencyCode, because error: Error) {
        let delay = job.retryDelay.map { min($0 * 2, config.outage.retryMax) } ?? config.outage.retryInitial
        job.retryDelay = delay
        job.retryAt = clock.now().addingTimeInterval(delay.seconds)
        let route = Self.isRouteFailure(error, archive: spool.archive)
        if job.lastFailure[recipient] == nil || !route {
            // A failure of this packet itself (its archive file unreadable …) is not an outage of the route: it is
            // retried the same way, and logged as an error each time, for an admin to look at.
            let level: Logger.Level = route ? .warning : .error
            logger.log(level: level, route ? "delivery deferred" : "delivery of this packet failed; retrying",
                       metadata: ["packet": "\(job.id)", "recipient": "\(recipient)", "error": "\(error)", "retry": "\(DurationText.format(delay))"])
        }
        job.lastFailure[recipient] = "\(error)"
        if job.firstDeferred == nil { job.firstDeferred = clock.now() }
        if route { observer?.deliveryFailed(job, to: recipient, error: "\(error)", at: clock.now()) }
    }

    /// Whether a delivery error is the destination's (a share not mounted, full, read-only, failing, refusing us)
    /// rather than the packet's own: errors on the archive's side are the packet's.
    static func isRouteFailure(_ error: Error, archive: String) -> Bool {
        guard let error = error as? FileError else { return true }
        if error.path.hasPrefix(archive + "/") { return false }
        return true
    }
}

/// Told of each delivery's outcome, on the thread that delivers (the daemon's loop).
protocol DeliveryObserver: AnyObject, Sendable {
    /// The recipient's inbox could not be written (the route is failing).
    func deliveryFailed(_ job: Job, to recipient: AgencyCode, error: String, at: Date)
    func delivered(_ job: Job, to recipient: AgencyCode, at: Date)
    /// The recipient's side was reached but refused the packet (02): the route works, the document will not come.
    func refused(_ job: Job, to recipient: AgencyCode, at: Date)
}
