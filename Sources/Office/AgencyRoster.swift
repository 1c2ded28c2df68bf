import DurableIO
import Foundation
import Logging
import Packets
import Signing
import Spool

/// The agencies the office serves, read from the spool and re-read when folders or agency.yaml files change,
/// so an agency added while the daemon runs is served without a restart.
final class AgencyRoster {
    let spool: SpoolLayout
    let logger: Logger
    private(set) var agencies: [AgencyCode: AgencyConfig] = [:]
    private var configTimes: [AgencyCode: Int64] = [:]
    private var signers: [AgencyCode: CMSSigner] = [:]
    private var reportedProblems: Set<String> = []
    private var certificates: [AgencyCode: [Certificate]] = [:]
    /// The spool's trust anchors and revocation lists, re-read when their folders change.
    private(set) var trust: TrustStore
    private var trustStamp: String = ""
    /// When certificates' expiry is looked at next (hourly).
    var nextExpiryCheck = ContinuousClock.Instant.now
    /// The office's clock (retirements take effect by it).
    var now: () -> Date = { Date() }
    /// The agencies last written to every folder's `DANH SÁCH CƠ QUAN.txt`.
    private var listed: [String] = []

    /// Reads every agency; any error is fatal here (a bad configuration is refused at start).
    init(spool: SpoolLayout, logger: Logger) throws {
        self.spool = spool
        self.logger = logger
        let directory = try AgencyDirectory.load(spool)
        trust = try TrustStore(anchors: [])
        agencies = directory.agencies
        for code in agencies.keys { configTimes[code] = modified(spool.agencyConfig(code)) }
        reloadTrust()
    }

    /// Reads trust/ca and trust/crl again when a file in them changed; a broken file is logged and the last good
    /// store kept.
    private func reloadTrust() {
        let stamp = [spool.trustAnchors, spool.revocationLists].map { folder in
            ((try? Directory.entries(folder)) ?? []).map { "\($0.name):\($0.modified):\($0.size)" }.joined(
                separator: ",")
        }.joined(separator: "|")
        guard stamp != trustStamp else { return }
        do {
            trust = try TrustStore.load(anchorPaths: [spool.trustAnchors], revocationListPaths: [spool.revocationLists])
            trustStamp = stamp
            logger.info(
                "trust store loaded",
                metadata: ["anchors": "\(trust.anchors.count)", "crls": "\(trust.revocationLists.count)"])
        } catch {
            report("trust \(stamp.hashValue)", "trust store refused, keeping the previous one: \(error)", nil)
        }
    }

    /// Keeps `DANH SÁCH CƠ QUAN.txt` current in every agency folder: rewritten when an agency is added, renamed or
    /// removed, and where a clerk deleted or changed it (looked at when the list changes, and at start).
    func updateCodeList() {
        let entries = agencies.values.map { (code: $0.code, name: $0.name) }
        let key = entries.map { "\($0.code)\t\($0.name)" }.sorted()
        guard key != listed else { return }
        listed = key
        let written = CodeListFile.update(spool, agencies: entries)
        if !written.isEmpty {
            logger.info(
                "agency list written", metadata: ["folders": "\(written.count)", "agencies": "\(entries.count)"])
        }
    }

    /// Picks up added, removed and edited agencies. A broken agency.yaml is logged (once) and skipped, keeping
    /// the last good configuration, so the daemon keeps serving the others.
    func refresh() {
        reloadTrust()
        guard let entries = try? Directory.entries(spool.agencies) else { return }
        var seen: Set<AgencyCode> = []
        for entry in entries where entry.kind == .directory && !entry.name.isHidden {
            guard let name = entry.name.string, let code = AgencyCode(name), code.rawValue == name else { continue }
            seen.insert(code)
            let time = modified(spool.agencyConfig(code))
            guard time != configTimes[code] || agencies[code] == nil else { continue }
            do {
                let config = try AgencyConfig.load(code, in: spool)
                if agencies[code] == nil {
                    logger.info("agency added", metadata: ["agency": "\(code)", "name": "\(config.name)"])
                }
                agencies[code] = config
                configTimes[code] = time
                signers[code] = nil
                certificates[code] = nil
            } catch {
                report("config \(code) \(time ?? 0)", "agency configuration refused: \(error)", code)
            }
        }
        for code in agencies.keys where !seen.contains(code) {
            logger.info("agency removed", metadata: ["agency": "\(code)"])
            agencies[code] = nil
            signers[code] = nil
            certificates[code] = nil
        }
    }

    /// Each retired agency's successor at `date` (followed through successors that retired too).
    func successors(at date: Date) -> [AgencyCode: AgencyCode] {
        let directory = self.directory
        var result: [AgencyCode: AgencyCode] = [:]
        for (code, agency) in agencies where agency.retirement?.isEffective(at: date) == true {
            if let successor = directory.addressee(code, at: date) { result[code] = successor }
        }
        return result
    }

    /// The agencies as a directory (who succeeds whom).
    var directory: AgencyDirectory { AgencyDirectory(agencies: agencies) }

    /// Where packets for `code` are delivered.
    func inbox(_ code: AgencyCode) -> String {
        agencies[code]?.inbox ?? spool.inbox(code)
    }

    /// Whether the inbox is one the office may create (the agency's own folder), or a configured path that must
    /// exist already (a share that is not mounted is an outage, never silently created).
    func inboxIsConfigured(_ code: AgencyCode) -> Bool { agencies[code]?.inbox != nil }

    /// Inboxes and names as they are now, for a batch handed to the delivery worker.
    var routes: Routes {
        for (code, config) in agencies where certificates[code] == nil {
            do {
                certificates[code] = try config.certificates()
            } catch {
                report(
                    "certificates \(code)",
                    "the agency's certificates cannot be read; packets it sends are refused: \(error)", code)
            }
        }
        return Routes(
            inboxes: Dictionary(uniqueKeysWithValues: agencies.keys.map { ($0, inbox($0)) }),
            configured: Set(agencies.filter { $0.value.inbox != nil }.keys),
            names: agencies.mapValues(\.name), certificates: certificates, trust: trust,
            successors: successors(at: now()), directory: directory)
    }

    /// The signer for `code`, loading its key and certificate on first use.
    func signer(_ code: AgencyCode) throws -> CMSSigner {
        if let signer = signers[code] { return signer }
        guard let config = agencies[code] else {
            throw SigningError.unreadable(path: spool.agencyConfig(code), reason: "unknown agency")
        }
        guard let keyPath = config.keyPath else {
            throw SigningError.unreadable(
                path: spool.agencyConfig(code), reason: "no key: this office does not sign for \(code)")
        }
        let key = try PrivateKey.load(path: keyPath, passphrase: config.passphrase)
        guard let certificate = try Certificate.load(path: config.certificatePath).first else {
            throw SigningError.noPEMObject(path: config.certificatePath, expected: "certificate")
        }
        let signer = try CMSSigner(key: key, certificate: certificate)
        signers[code] = signer
        return signer
    }

    /// Logs a problem once per `key`.
    func report(_ key: String, _ message: String, _ code: AgencyCode?, level: Logger.Level = .error) {
        guard reportedProblems.insert(key).inserted else { return }
        logger.log(level: level, "\(message)", metadata: code.map { ["agency": "\($0)"] } ?? [:])
    }

    private func modified(_ path: String) -> Int64? {
        FileSystem.status(RawPath(path)).map { Int64($0.st_mtim.tv_sec) * 1_000_000_000 + Int64($0.st_mtim.tv_nsec) }
    }
}
