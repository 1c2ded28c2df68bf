import Archiving
import DurableIO
import Foundation
import Intake
import Ledger
import Packets
import Spool

extension Pipeline {
    /// Reads each claim's sidecar and documents and checks them against the office: known recipients, not the
    /// sender, a number not used yet this year. A job that fails is rejected here; returns the jobs that go on.
    func prepare(_ jobs: [Job]) -> [Job] {
        let checked = jobs.filter { check($0) }
        // Decree 30/2020 Art 15: one number and symbol per agency and year, reserved for the batch at once.
        let requests = checked.map { (DocumentNumber(agency: $0.agency, document: $0.document!), $0.id.rawValue) }
        let holders: [String?]
        do {
            holders = try index.reserve(requests)
        } catch {
            if Self.isStorageFailure(error) { storageFailed(error, path: spool.state + "/index.sqlite") }
            logger.error("cannot reserve document numbers; the claims stay and are tried again", metadata: ["error": "\(error)"])
            return []
        }
        var ready: [Job] = []
        for (job, holder) in zip(checked, holders) {
            guard let document = job.document else { continue }
            if let holder {
                returnToClerk(job, .numberUsed(document.numberAndNotation, year: document.issuedDate.year, by: holder))
                continue
            }
            job.pending = document.to
            ready.append(job)
        }
        return ready
    }

    /// The checks that need only the claim and the roster; returns whether the job goes on.
    private func check(_ job: Job) -> Bool {
        do {
            switch try readClaim(job) {
            case .success: break
            case .failure(let rejection):
                returnToClerk(job, rejection)
                return false
            }
            guard let document = job.document else { return false }
            let unknown = document.to.filter { roster.agencies[$0] == nil }
            if !unknown.isEmpty {
                returnToClerk(job, .unknownRecipients(unknown))
                return false
            }
            if document.to.contains(job.agency) {
                returnToClerk(job, .recipientIsSender(job.agency))
                return false
            }
            // A document cannot be sent before it is issued; a mistyped year would also hide it from the register.
            let today = CalendarDate(clock.now(), in: config.calendar.timeZone)
            if document.issuedDate > today {
                returnToClerk(job, .issuedInFuture(document.issuedDate, today: today))
                return false
            }
            return true
        } catch let error as FileError where error.isTransient {
            if error.isStorageFailure { storageFailed(error, path: error.path) }
            logger.error("cannot prepare a claim; it stays claimed and is tried again", metadata: ["packet": "\(job.id)", "error": "\(error)"])
            return false
        } catch {
            // Not something waiting will cure: return the drop rather than keep it out of sight.
            returnToClerk(job, .unreadable("\(error)"))
            return false
        }
    }

    /// Rejects a claim, logging (never throwing) when even that fails: the claim then stays for recovery.
    func returnToClerk(_ job: Job, _ rejection: Rejection) {
        do {
            try reject(job.claim, rejection)
        } catch {
            if let damage = error as? JournalDamagedError { journalDamage = damage }
            if Self.isStorageFailure(error) { storageFailed(error, path: spool.rejected(job.agency)) }
            logger.error("cannot return a claim to rejected/", metadata: ["packet": "\(job.id)", "error": "\(error)"])
        }
    }

    /// What the claim holds, as a sidecar and documents; or why it cannot be sent.
    private func readClaim(_ job: Job) throws -> Result<Void, Rejection> {
        let entries = try job.claim.contents()
        let sidecarPath: RawPath
        var documents: [(RawPath, RawName)] = []
        if let folder = entries.first(where: { $0.kind == .directory }) {
            let folderPath = job.claim.path(folder.name)
            guard let folderString = folderPath.string else {
                return .failure(.build(.badFileName(folder.name.description, NameProblem.notUTF8)))
            }
            sidecarPath = folderPath.appending(OutboxScanner.folderSidecar)
            for inner in try Directory.entries(folderString) where inner.name != OutboxScanner.folderSidecar {
                if TemporaryNames.isTemporary(inner.name) { continue }
                switch inner.kind {
                case .file: documents.append((folderPath.appending(inner.name), inner.name))
                case .directory: return .failure(.nestedFolder(inner.name.description))
                default: return .failure(.notRegularFile(inner.kind))
                }
            }
        } else if entries.count == 1, let only = entries.first {
            // A single entry is a stray returned on its own: a link or device, a lone document, a lone sidecar.
            let wait = DurationText.format(config.watch.sidecarWait)
            guard only.kind == .file else { return .failure(.notRegularFile(only.kind)) }
            return .failure(Drop.isSidecarName(only.name) ? .missingDocument(wait) : .missingSidecar(wait))
        } else if let sidecar = entries.first(where: { $0.kind == .file && Drop.isSidecarName($0.name) }) {
            sidecarPath = job.claim.path(sidecar.name)
            for entry in entries where entry.name != sidecar.name {
                guard entry.kind == .file else { return .failure(.notRegularFile(entry.kind)) }
                documents.append((job.claim.path(entry.name), entry.name))
            }
        } else {
            return .failure(.build(.noDocuments))
        }
        guard let sidecarString = sidecarPath.string else {
            return .failure(.build(.badFileName(sidecarPath.description, NameProblem.notUTF8)))
        }
        for (path, name) in documents where path.string == nil || name.string == nil {
            return .failure(.build(.badFileName(name.description, NameProblem.notUTF8)))
        }
        let bytes: [UInt8]
        do {
            bytes = try Durable.readSmallFile(sidecarString, limit: SidecarParser.maxBytes)
        } catch let error as FileError where error.code == EFBIG {
            return .failure(.sidecar(SidecarRejection([ClerkIssue(
                field: nil, problem: Bilingual(vi: "Tệp mô tả quá lớn (tối đa \(SidecarParser.maxBytes) byte).",
                                               en: "The sidecar is too large (at most \(SidecarParser.maxBytes) bytes)."),
                action: Bilingual(vi: "Tệp mô tả chỉ chứa thông tin văn bản; nội dung văn bản đặt trong tệp riêng.",
                                  en: "The sidecar holds only the document's details; put the content in its own file."))])))
        }
        do {
            job.document = try SidecarParser().parse(bytes)
        } catch {
            return .failure(.sidecar(error))
        }
        guard !documents.isEmpty else { return .failure(.build(.noDocuments)) }
        let reserved = OfficeFileNames.reservedAmong(documents.compactMap { $0.1.string?.precomposedNFC })
        if !reserved.isEmpty { return .failure(.reservedName(reserved)) }
        for (path, name) in documents {
            guard let display = name.string, let pathString = path.string else {
                return .failure(.build(.badFileName(name.description, NameProblem.notUTF8)))
            }
            if let info = FileSystem.status(path), info.st_size == 0 { return .failure(.emptyDocument(display)) }
            job.sources.append(PacketSource(path: pathString, name: display))
        }
        return .success(())
    }
}
