import DurableIO
import Foundation
import Intake
import Ledger
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// What a claim folder says about a rejection in progress, so that a crash halfway through finishes it the same way.
private struct RejectionMarker: Codable {
    let code: String
    /// Every problem's code (absent in markers older releases wrote).
    let codes: [String]?
    let issues: [ClerkIssue]
    /// The names the entries take in rejected/ (bytes, since they need not be UTF-8), and the reason file's name.
    let targets: [[UInt8]: [UInt8]]
    let reasonFile: String
    let shown: [String]
}

extension Pipeline {
    static let rejectionMarker = ".rejected.json"

    /// Returns a claimed drop to the clerk: its files, untouched, into `rejected/` with `<name>.reason.txt`
    /// beside them (Vietnamese, English, what to do), and a journal record.
    func reject(_ claim: Claim, _ rejection: Rejection) throws {
        let rejected = spool.rejected(claim.agency)
        if !FileSystem.exists(RawPath(rejected)) { try Durable.makeDirectories(rejected) }
        let marker = claim.directory + "/" + Self.rejectionMarker
        let plan: RejectionMarker
        if FileSystem.exists(RawPath(marker)) {
            plan = try JSONDecoder().decode(
                RejectionMarker.self, from: Data(try Durable.readSmallFile(marker, limit: 1 << 20)))
        } else {
            let entries = try claim.contents()
            let (names, reasonBase) = Self.uniqueNames(for: entries.map(\.name), in: rejected)
            plan = RejectionMarker(
                code: rejection.code, codes: rejection.codes, issues: rejection.issues,
                targets: Dictionary(uniqueKeysWithValues: names.map { ($0.key.bytes, $0.value.bytes) }),
                reasonFile: ReasonFile.name(for: reasonBase),
                shown: entries.map { (names[$0.name] ?? $0.name).description })
            try Durable.writeFile(at: marker, bytes: Array(try JSONEncoder().encode(plan)), replace: true)
        }
        for entry in try claim.contents() {
            let target = Directory.join(rejected, RawName(plan.targets[entry.name.bytes] ?? entry.name.bytes))
            try Mover.move(claim.path(entry.name), to: target)
        }
        let text = ReasonFile.text(
            Rejection(code: plan.code, codes: plan.codes ?? [], issues: plan.issues), names: plan.shown,
            agency: claim.agency, at: clock.now(),
            timeZone: config.calendar.timeZone)
        try Durable.writeFile(at: rejected + "/" + plan.reasonFile, bytes: Array(text.utf8), replace: true)
        try Durable.syncDirectory(rejected)
        if try !index.hasRejection(packetId: claim.name) {
            guard let packetId = claim.packetId else {
                throw FileError("reject (not an outbox claim)", path: claim.directory, code: EINVAL)
            }
            try record([
                .rejected(
                    packetId: packetId, agency: claim.agency, names: plan.shown, reason: plan.code,
                    message: plan.issues.first?.problem.en ?? "")
            ])
        }
        unlink(marker)
        _ = RawPath(claim.directory).withCString { rmdir($0) }
        try Durable.syncDirectory((claim.directory as NSString).deletingLastPathComponent)
        claim.finish()
        logger.notice(
            "rejected",
            metadata: [
                "agency": "\(claim.agency)", "names": "\(plan.shown.joined(separator: ", "))",
                "reason": "\(plan.code)",
            ])
    }

    /// Finishes a rejection a crash interrupted, from the plan left in the claim folder.
    func resumeRejection(_ claim: Claim) throws -> Bool {
        guard FileSystem.exists(RawPath(claim.directory + "/" + Self.rejectionMarker)) else { return false }
        try reject(claim, Rejection("resumed", []))  // the marker's own reason is used
        return true
    }

    /// Names in `rejected/` that take nothing already there: the group keeps one stem (`X.pdf`, `X.json`,
    /// `X.reason.txt`), with ` (2)`, ` (3)` … added when needed. Every name — the reason file's too — fits in the
    /// 255 bytes a file name may have: where the suffix would not fit, the stem is shortened (at a character
    /// boundary) rather than the name refused, so a drop can always be returned (issue 11: a name near the limit
    /// refused twice stayed claimed for good). Returns the new names and the reason file's base.
    static func uniqueNames(for names: [RawName], in directory: String) -> ([RawName: RawName], String) {
        let reasonSuffix = Array(".reason.txt".utf8)
        let stem: [UInt8]
        if names.count == 1, let only = names.first {
            stem = OutboxScanner.stem(of: only.bytes)
        } else if let sidecar = names.first(where: { Drop.isSidecarName($0) }) {
            stem = Array(sidecar.bytes.dropLast(5))
        } else {
            stem = names.first.map { OutboxScanner.stem(of: $0.bytes) } ?? []
        }
        // Each name is a head (the shared stem, or the name's own stem) and a tail kept whole (its extension).
        let parts: [(name: RawName, head: [UInt8], tail: [UInt8])] = names.map { name in
            if name.bytes.starts(with: stem) { return (name, stem, Array(name.bytes.dropFirst(stem.count))) }
            let own = OutboxScanner.stem(of: name.bytes)
            return (name, own, Array(name.bytes.dropFirst(own.count)))
        }
        // The reason file is named after the single file (its extension included), or after the group's stem.
        let reasonTail = names.count == 1 ? (parts.first?.tail ?? []) + reasonSuffix : reasonSuffix
        let longestTail = max(reasonTail.count, parts.map(\.tail.count).max() ?? 0)
        for attempt in 1...10_000 {
            let suffix: [UInt8] = attempt == 1 ? [] : Array(" (\(attempt))".utf8)
            let room = max(1, RejectedName.limit - suffix.count - longestTail)
            var mapping: [RawName: RawName] = [:]
            for part in parts {
                let head =
                    part.head.count + suffix.count + part.tail.count <= RejectedName.limit
                    ? part.head : RejectedName.shortened(part.head, to: room)
                mapping[part.name] = RawName(head + suffix + part.tail)
            }
            let groupHead =
                stem.count + suffix.count + reasonTail.count <= RejectedName.limit
                ? stem : RejectedName.shortened(stem, to: room)
            let reasonBase: String
            if names.count == 1, let only = names.first, let mapped = mapping[only] {
                reasonBase = mapped.description
            } else {
                reasonBase = RawName(groupHead + suffix).description
            }
            let taken =
                mapping.values.contains { FileSystem.exists(Directory.join(directory, $0)) }
                || FileSystem.exists(RawPath(directory + "/" + ReasonFile.name(for: reasonBase)))
            if !taken { return (mapping, reasonBase) }
        }
        // Ten thousand returns of one name: a random stem, short enough for any tail.
        let random = Array("\(UUID().uuidString)".utf8)
        return (
            Dictionary(
                uniqueKeysWithValues: parts.map {
                    ($0.name, RawName(random + $0.tail.suffix(RejectedName.limit - random.count)))
                }),
            String(decoding: random, as: UTF8.self)
        )
    }
}
