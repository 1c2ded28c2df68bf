import Archiving
import DurableIO
import Foundation
import Intake
import Ledger
import Packets
import Spool

extension Pipeline {
    /// Reads each claim's sidecar and documents and checks them against the office: known recipients, not the
    /// sender, a number not used yet this year. A drop that fails is rejected here; returns the drops that go on.
    func prepare(_ claimed: [ClaimedDrop]) -> [PreparedDrop] {
        let checked = claimed.compactMap { check($0) }
        // Decree 30/2020 Art 15: one number and symbol per agency and year, reserved for the batch at once.
        let requests = checked.map { (DocumentNumber(agency: $0.sender, document: $0.document), $0.id.rawValue) }
        let holders: [String?]
        do {
            holders = try index.reserve(requests)
        } catch {
            if Self.isStorageFailure(error) { storageFailed(error, path: spool.state + "/index.sqlite") }
            logger.error(
                "cannot reserve document numbers; the claims stay and are tried again", metadata: ["error": "\(error)"])
            return []
        }
        var ready: [PreparedDrop] = []
        for (drop, holder) in zip(checked, holders) {
            if let holder {
                let document = drop.document
                returnToClerk(
                    drop.claim, .numberUsed(document.numberAndNotation, year: document.issuedDate.year, by: holder))
                continue
            }
            ready.append(drop)
        }
        return ready
    }

    /// The checks that need only the claim and the roster; returns the drop read, or nil when it does not go on.
    private func check(_ claimed: ClaimedDrop) -> PreparedDrop? {
        let claim = claimed.claim
        do {
            let drop: PreparedDrop
            switch try readClaim(claimed) {
            case .success(let read): drop = read
            case .failure(let rejection):
                returnToClerk(claim, rejection)
                return nil
            }
            let document = drop.document
            let unknown = document.to.filter { roster.agencies[$0] == nil }
            if !unknown.isEmpty {
                returnToClerk(claim, .unknownRecipients(unknown))
                return nil
            }
            if document.to.contains(claim.agency) {
                returnToClerk(claim, .recipientIsSender(claim.agency))
                return nil
            }
            // A document cannot be sent before it is issued; a mistyped year would also hide it from the register.
            let today = CalendarDate(clock.now(), in: config.calendar.timeZone)
            if document.issuedDate > today {
                returnToClerk(claim, .issuedInFuture(document.issuedDate, today: today))
                return nil
            }
            return drop
        } catch let error as FileError where error.isTransient {
            if error.isStorageFailure { storageFailed(error, path: error.path) }
            logger.error(
                "cannot prepare a claim; it stays claimed and is tried again",
                metadata: ["packet": "\(claimed.id)", "error": "\(error)"])
            return nil
        } catch {
            // Not something waiting will cure: return the drop rather than keep it out of sight.
            returnToClerk(claim, .unreadable("\(error)"))
            return nil
        }
    }

    /// Rejects a claim, logging (never throwing) when even that fails: the claim then stays for recovery.
    func returnToClerk(_ claim: Claim, _ rejection: Rejection) {
        do {
            try reject(claim, rejection)
        } catch {
            if let damage = error as? JournalDamagedError { journalDamage = damage }
            if Self.isStorageFailure(error) { storageFailed(error, path: spool.rejected(claim.agency)) }
            logger.error(
                "cannot return a claim to rejected/", metadata: ["packet": "\(claim.name)", "error": "\(error)"])
        }
    }

    /// What the claim holds, as a sidecar and documents; or why it cannot be sent.
    private func readClaim(_ claimed: ClaimedDrop) throws -> Result<PreparedDrop, Rejection> {
        let claim = claimed.claim
        let entries = try claim.contents()
        let sidecarPath: RawPath
        var documents: [(RawPath, RawName)] = []
        if let folder = entries.first(where: { $0.kind == .directory }) {
            let folderPath = claim.path(folder.name)
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
            sidecarPath = claim.path(sidecar.name)
            for entry in entries where entry.name != sidecar.name {
                guard entry.kind == .file else { return .failure(.notRegularFile(entry.kind)) }
                documents.append((claim.path(entry.name), entry.name))
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
            return .failure(
                .sidecar(
                    SidecarRejection([
                        ClerkIssue(
                            field: nil,
                            problem: Bilingual(
                                vi: "Tệp mô tả quá lớn (tối đa \(SidecarParser.maxBytes) byte).",
                                en: "The sidecar is too large (at most \(SidecarParser.maxBytes) bytes)."),
                            action: Bilingual(
                                vi: "Tệp mô tả chỉ chứa thông tin văn bản; nội dung văn bản đặt trong tệp riêng.",
                                en: "The sidecar holds only the document's details; put the content in its own file."))
                    ])))
        }
        let document: ClerkSidecar
        do {
            document = try SidecarParser().parse(bytes)
        } catch {
            return .failure(.sidecar(error))
        }
        guard !documents.isEmpty else { return .failure(.build(.noDocuments)) }
        let reserved = OfficeFileNames.reservedAmong(documents.compactMap { $0.1.string?.precomposedNFC })
        if !reserved.isEmpty { return .failure(.reservedName(reserved)) }
        var sources: [PacketSource] = []
        for (path, name) in documents {
            guard let display = name.string, let pathString = path.string else {
                return .failure(.build(.badFileName(name.description, NameProblem.notUTF8)))
            }
            if let info = FileSystem.status(path), info.st_size == 0 { return .failure(.emptyDocument(display)) }
            sources.append(PacketSource(path: pathString, name: display))
        }
        return .success(PreparedDrop(claimed: claimed, document: document, sources: sources))
    }
}
