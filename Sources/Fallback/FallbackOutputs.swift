import DurableIO
import Foundation
import Logging
import Packets
import Spool

#if canImport(Glibc)
import Glibc
#endif

/// What the paper fallback log shows people: the printable log (`Sổ chuyển giao văn bản giấy.html`), one incident
/// report per incident (`Biên bản sự cố <id>.html`), both from Mustache templates read once at start, and the notice
/// in the folder of each agency concerned (`THÔNG BÁO SỰ CỐ.txt`), removed once nothing concerns it.
public final class FallbackOutputs: @unchecked Sendable {
    // Sendable: used on one thread at a time (the daemon's loop, or a command).
    let spool: SpoolLayout
    let directory: String
    let timeZone: TimeZone
    /// `outage.threshold`, as the pages and notices state it.
    let threshold: Duration
    let logger: Logger
    private let logTemplate: PageTemplate?
    private let reportTemplate: PageTemplate?
    /// What was last written to each page or notice, so unchanged ones are not written again.
    private var written: [String: [UInt8]] = [:]

    static let logPageName = "Sổ chuyển giao văn bản giấy.html".precomposedNFC
    public static let noticeName = "THÔNG BÁO SỰ CỐ.txt".precomposedNFC
    public static func reportName(_ incident: String) -> String { "Biên bản sự cố \(incident).html".precomposedNFC }

    /// Where an incident's report is: at the top of the fallback folder, or — a closed incident's, once `lienthong
    /// rotate` moved it — in `<YYYY>/<MM>/` by the month it closed (in `timeZone`).
    public static func reportPath(_ incident: FallbackState.Incident, in directory: String, timeZone: TimeZone)
        -> String
    {
        let top = directory + "/" + reportName(incident.id)
        guard !FileSystem.exists(RawPath(top)),
            let dated = rotatedReportPath(incident, in: directory, timeZone: timeZone)
        else { return top }
        return FileSystem.exists(RawPath(dated)) ? dated : top
    }

    /// Where `lienthong rotate` puts a closed incident's report: `<YYYY>/<MM>/` of the month it closed (nil while open).
    public static func rotatedReportPath(_ incident: FallbackState.Incident, in directory: String, timeZone: TimeZone)
        -> String?
    {
        incident.closedAt.map {
            directory + "/" + CalendarDate($0, in: timeZone).monthFolder + "/" + reportName(incident.id)
        }
    }

    init(spool: SpoolLayout, directory: String, timeZone: TimeZone, threshold: Duration, logger: Logger) {
        self.spool = spool
        self.directory = directory
        self.timeZone = timeZone
        self.threshold = threshold
        self.logger = logger
        func load(_ name: String) -> PageTemplate? {
            do {
                return try PageTemplate.load(name, spool: spool)
            } catch {
                logger.error(
                    "paper fallback page template unavailable; the log (fallback-log.jsonl) is still kept",
                    metadata: ["template": "\(name)", "error": "\(error)"])
                return nil
            }
        }
        logTemplate = load("fallback-log.html.mustache")
        reportTemplate = load("incident-report.html.mustache")
    }

    /// Writes the pages and notices for `state`; false when some could not be written (tried again next time).
    @discardableResult
    func refresh(_ state: FallbackState, names: [AgencyCode: String], now: Date) -> Bool {
        var ok = true
        let context = FallbackContext(state: state, timeZone: timeZone, now: now, threshold: threshold)
        if let logTemplate {
            ok = write(directory + "/" + Self.logPageName, logTemplate.render(context.log())) && ok
        }
        if let reportTemplate {
            for incident in state.incidents {
                let path = Self.reportPath(incident, in: directory, timeZone: timeZone)
                ok = write(path, reportTemplate.render(context.report(incident))) && ok
            }
        }
        for code in Set(names.keys).union(state.entries.compactMap { AgencyCode($0.document.sender) }).sorted(by: {
            $0.rawValue < $1.rawValue
        }) {
            let folder = spool.agency(code)
            guard FileSystem.exists(RawPath(folder)) else { continue }
            let path = folder + "/" + Self.noticeName
            if let text = OutageNotice.text(
                for: code, state: state, names: names, fallbackDirectory: directory, timeZone: timeZone,
                threshold: threshold)
            {
                ok = write(path, text) && ok
            } else if FileSystem.exists(RawPath(path)) {
                if unlink(path) != 0, errno != ENOENT {
                    logger.error("cannot remove an outage notice", metadata: ["path": "\(path)", "errno": "\(errno)"])
                    ok = false
                } else {
                    written[path] = nil
                    try? Durable.syncDirectory(folder)
                }
            }
        }
        return ok
    }

    private func write(_ path: String, _ text: String) -> Bool {
        let bytes = Array(text.precomposedStringWithCanonicalMapping.utf8)
        if written[path] == bytes, FileSystem.exists(RawPath(path)) { return true }
        do {
            if !FileSystem.exists(RawPath(directory)) { try Durable.makeDirectories(directory) }
            try Durable.writeFile(at: path, bytes: bytes, replace: true)
            written[path] = bytes
            return true
        } catch {
            logger.error("cannot write a paper fallback page", metadata: ["path": "\(path)", "error": "\(error)"])
            return false
        }
    }
}
