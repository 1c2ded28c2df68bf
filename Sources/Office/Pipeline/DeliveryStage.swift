#if canImport(Glibc)
import Glibc
#endif
import DurableIO
import Foundation
import Ledger
import Logging
import Packets
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

    /// Delivers each job to every recipient still pending: `inbox/<packet-id>/` with the documents ready to open,
    /// metadata.json, its signature and the packet file, assembled in the inbox's hidden staging folder and renamed
    /// into place. A recipient whose inbox cannot be reached stays pending, with a growing wait before the next try.
    func deliver(_ jobs: [Job], routes: Routes) throws {
        var staged: [(Job, AgencyCode, String, String)] = []  // job, recipient, staging folder, final folder
        var toStage: [(Job, AgencyCode, String)] = []
        for job in jobs {
            for recipient in job.pending {
                do {
                    let inbox = try reachableInbox(recipient, routes: routes)
                    let target = inbox + "/" + job.id.rawValue
                    if FileSystem.exists(RawPath(target)) {
                        staged.append((job, recipient, "", target))  // delivered before a crash, not yet recorded
                        continue
                    }
                    try prepareStagingRoot(inbox)
                    toStage.append((job, recipient, inbox))
                } catch {
                    deferDelivery(job, to: recipient, because: error)
                }
            }
        }
        // Each delivery is assembled on its own, in parallel: copies into its own staging folder.
        let outcomes = toStage.parallelMap { job, _, inbox in Result { try stageDelivery(job, inbox: inbox) } }
        for ((job, recipient, inbox), outcome) in zip(toStage, outcomes) {
            switch outcome {
            case .success(let staging): staged.append((job, recipient, staging, inbox + "/" + job.id.rawValue))
            case .failure(let error): deferDelivery(job, to: recipient, because: error)
            }
        }
        guard !staged.isEmpty else { return }
        var written: [String] = []
        for (_, _, staging, _) in staged where !staging.isEmpty {
            written.append(staging)
            written += (try FileManager.default.contentsOfDirectory(atPath: staging)).map { staging + "/" + $0 }
        }
        try Durable.syncAll(written)
        var inboxes: Set<String> = []
        var events: [JournalEvent] = []
        let now = clock.now()
        for (job, recipient, staging, target) in staged {
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
            events.append(JournalEvent("delivered", [("packetId", .string(job.id.rawValue)), ("recipient", .string(recipient.rawValue)),
                                                     ("path", .string(paths.spoolRelative(target)))]))
        }
        try Durable.syncAll(Array(inboxes))
        try recorder.record(events)
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

    /// Assembles one delivery in `<inbox>/.lienthong/staging/<packet-id>`; returns that folder.
    private func stageDelivery(_ job: Job, inbox: String) throws -> String {
        let root = paths.deliveryStaging(inbox: inbox)
        let staging = root + "/" + job.id.rawValue
        try FileSystem.removeTree(RawPath(staging))  // a half-made earlier attempt
        try FileSystem.makeDirectory(RawPath(staging), mode: 0o755)
        guard let archive = job.archivePath else { throw FileError("deliver (not archived)", path: job.id.rawValue, code: EINVAL) }
        if job.sources.isEmpty {
            // Recovery: the originals' names may differ from the packet's (NFC); take the documents from the packet.
            try extractDocuments(from: archive, into: staging)
        } else {
            for source in job.sources {
                try FileSystem.copyFile(from: RawPath(source.path), to: RawPath(staging + "/" + source.name))
            }
        }
        try Durable.writeUnsynced(at: staging + "/" + PacketLayout.metadataName, bytes: job.metadataBytes)
        try Durable.writeUnsynced(at: staging + "/" + PacketLayout.signatureName, bytes: job.signature)
        try FileSystem.copyFile(from: RawPath(archive), to: RawPath(staging + "/" + (archive as NSString).lastPathComponent))
        return staging
    }

    /// Writes the documents of an archived packet into `directory`, streaming, with the archive safety rules.
    private func extractDocuments(from archive: String, into directory: String) throws {
        _ = try ArchivedPacket.read(archive, sink: FolderPayloadSink(directory: directory))
    }

    private func deferDelivery(_ job: Job, to recipient: AgencyCode, because error: Error) {
        let delay = job.retryDelay.map { min($0 * 2, config.outage.retryMax) } ?? config.outage.retryInitial
        job.retryDelay = delay
        job.retryAt = clock.now().addingTimeInterval(delay.seconds)
        if job.lastFailure[recipient] == nil {
            logger.warning("delivery deferred", metadata: ["packet": "\(job.id)", "recipient": "\(recipient)", "error": "\(error)",
                                                            "retry": "\(DurationText.format(delay))"])
        }
        job.lastFailure[recipient] = "\(error)"
    }
}
