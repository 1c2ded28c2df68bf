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
            switch try readClaim(claimed) {
            case .success(let drop): return drop
            case .failure(let rejection):
                returnToClerk(claim, rejection)
                return nil
            }
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

    /// What the office knows that the sidecar alone cannot say: recipients it does not serve, the sender among
    /// them, a date not yet come.
    private func officeProblems(recipients: [AgencyCode], issued: CalendarDate?, sender: AgencyCode) -> [Rejection] {
        var found: [Rejection] = []
        let unknown = recipients.filter { roster.agencies[$0] == nil }
        if !unknown.isEmpty {
            // The sender is no recipient of its own documents: its code is never offered as the one meant.
            let others = roster.agencies.filter { $0.key != sender }.mapValues(\.name)
            found.append(.unknownRecipients(unknown, known: others))
        }
        if recipients.contains(sender) { found.append(.recipientIsSender(sender)) }
        // Agencies that retired (agency retire, agency merge): their successors receive; with none, nobody does.
        let directory = roster.directory
        let now = clock.now()
        if let retirement = directory.agencies[sender]?.retirement, retirement.isEffective(at: now) {
            found.insert(
                .senderRetired(sender, directory, at: retirement.at, timeZone: config.calendar.timeZone), at: 0)
        }
        let known = recipients.filter { roster.agencies[$0] != nil && $0 != sender }
        let orphaned = known.filter { directory.addressee($0, at: now) == nil }
        if !orphaned.isEmpty { found.append(.recipientsRetired(orphaned, directory)) }
        for recipient in known where directory.addressee(recipient, at: now) == sender {
            found.append(.recipientSucceededBySender(recipient, sender: sender))
        }
        // A document cannot be sent before it is issued; a mistyped year would also hide it from the register.
        let today = CalendarDate(clock.now(), in: config.calendar.timeZone)
        if let issued, issued > today { found.append(.issuedInFuture(issued, today: today)) }
        return found
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
            let wait = config.watch.sidecarWait
            guard only.kind == .file else { return .failure(.notRegularFile(only.kind)) }
            let shown = only.name.string ?? only.name.description
            return .failure(
                Drop.isSidecarName(only.name)
                    ? .missingDocument(shown, wait: wait, nearly: []) : .missingSidecar(shown, wait: wait, nearly: []))
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
        // Every problem at once: the sidecar's, the office's, the files'. The clerk fixes them in one go.
        var found: [Rejection] = []
        var document: ClerkSidecar?
        do {
            let bytes = try Durable.readSmallFile(sidecarString, limit: SidecarParser.maxBytes)
            do {
                let parsed = try SidecarParser().parse(bytes)
                document = parsed
                found += officeProblems(recipients: parsed.to, issued: parsed.issuedDate, sender: claim.agency)
            } catch {
                found.append(.sidecar(error))
                found += officeProblems(recipients: error.recipients, issued: error.issuedDate, sender: claim.agency)
            }
        } catch let error as FileError where error.code == EFBIG {
            found.append(
                Rejection(
                    "sidecar-invalid",
                    vi: "Tệp mô tả quá lớn (tối đa \(SidecarParser.maxBytes) byte).",
                    en: "The sidecar is too large (at most \(SidecarParser.maxBytes) bytes).",
                    doVi: "Tệp mô tả chỉ chứa thông tin văn bản; nội dung văn bản đặt trong tệp riêng.",
                    doEn: "The sidecar holds only the document's details; put the content in its own file."))
        }
        if documents.isEmpty { found.append(.build(.noDocuments)) }
        found += fileProblems(documents.map(\.1))
        var sources: [PacketSource] = []
        for (path, name) in documents {
            guard let display = name.string, let pathString = path.string else {
                return .failure(.build(.badFileName(name.description, NameProblem.notUTF8)))
            }
            if let info = FileSystem.status(path), info.st_size == 0 { found.append(.emptyDocument(display)) }
            sources.append(PacketSource(path: pathString, name: display))
        }
        if let rejection = Rejection(combining: found) { return .failure(rejection) }
        guard let document else { return .failure(.build(.noDocuments)) }
        return .success(PreparedDrop(claimed: claimed, document: document, sources: sources))
    }

    /// The documents' names that cannot be used: not portable to Windows shares (every forbidden character named, a
    /// better name proposed), taken by the office's own files, or the same name twice as Windows compares them.
    private func fileProblems(_ names: [RawName]) -> [Rejection] {
        var found: [Rejection] = []
        var seen: Set<String> = []
        var reserved: [String] = []
        for name in names {
            guard let display = name.string?.precomposedNFC else { continue }
            if let problem = PortableName.problem(with: display) { found.append(.badFileName(display, problem)) }
            if OfficeFileNames.isReserved(display) { reserved.append(display) }
            if !seen.insert(display.lowercased()).inserted { found.append(.build(.duplicateFileName(display))) }
        }
        if !reserved.isEmpty { found.insert(.reservedName(reserved), at: 0) }
        return found
    }
}
