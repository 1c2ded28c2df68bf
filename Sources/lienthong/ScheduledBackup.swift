import Admin
import Foundation
import Intake
import Logging
import Office
import ServiceLifecycle
import Spool

/// office.yaml `backup: { to: /mnt/backup, at: "02:00", every: 24h, keep: 14 }`, run by the daemon: each backup
/// is `lienthong backup create` (journaled as `admin backup.create` by the schedule), counted in the metrics and
/// written into `state/backup-status.json` for `lienthong doctor`. A failed one is logged, journaled
/// (`admin backup.failed`) and tried again after `retry`. A slot missed while the daemon was down is made up at
/// start. It runs on a thread of its own and waits on the monotonic clock, looking at the wall clock each minute
/// (a clock set forward is noticed), as the scheduled rotation does.
struct ScheduledBackup: Service {
    let spool: SpoolLayout
    let config: OfficeConfig
    let schedule: OfficeConfig.Backup
    let logger: Logger
    private let control = LoopControl()

    init(spool: SpoolLayout, config: OfficeConfig, schedule: OfficeConfig.Backup, logger: Logger) {
        self.spool = spool
        self.config = config
        self.schedule = schedule
        self.logger = logger
    }

    func run() async throws {
        await ThreadService.run(named: "lienthong-backup", control: control) { [self] in loop() }
    }

    private func loop() {
        var status = BackupStatus.read(spool)
        let last =
            status.lastSuccess.map { Date(timeIntervalSince1970: $0) }
            ?? BackupSchedule.lastCompleted(in: schedule.to)
        var next = BackupSchedule.next(after: last, now: Date(), schedule: schedule, timeZone: config.calendar.timeZone)
        if status.failures > 0, let attempt = status.lastAttempt {
            next = max(Date(), Date(timeIntervalSince1970: attempt).addingTimeInterval(retry))
        }
        logger.info("scheduled backups", metadata: ["to": "\(schedule.to)", "next": "\(next)"])
        while !control.isStopping {
            status.nextAttempt = next.timeIntervalSince1970
            try? status.write(spool)
            while !control.isStopping, Date() < next {
                _ = control.wait(.milliseconds(Int64(min(60, max(0.05, next.timeIntervalSinceNow)) * 1000)))
            }
            if control.isStopping { return }
            let started = Date()
            status.lastAttempt = started.timeIntervalSince1970
            do {
                let outcome = try Backup(session: session()).create(
                    in: schedule.to, keys: schedule.passphraseFile.map { .file(spool.path($0)) }, keep: schedule.keep)
                status.lastSuccess = started.timeIntervalSince1970
                status.lastFolder = outcome.folder
                status.lastError = nil
                status.failures = 0
                OfficeMetrics.backupRan(
                    ok: true, at: started, bytes: outcome.bytes, copied: outcome.copiedBytes, failures: 0)
                logger.info(
                    "backed up",
                    metadata: [
                        "folder": "\(outcome.folder)", "files": "\(outcome.files)", "bytes": "\(outcome.bytes)",
                        "copied": "\(outcome.copiedBytes)", "journal": "\(outcome.journal.sequence)",
                    ])
                next = BackupSchedule.next(
                    after: started, now: Date(), schedule: schedule, timeZone: config.calendar.timeZone)
            } catch {
                let reason = (error as? AdminRefusal)?.en ?? "\(error)"
                status.lastError = reason
                status.failures += 1
                OfficeMetrics.backupRan(ok: false, at: started, failures: status.failures)
                logger.error(
                    "the scheduled backup failed; it is tried again",
                    metadata: [
                        "to": "\(schedule.to)", "error": "\(reason)", "retry": "\(DurationText.format(schedule.retry))",
                    ])
                journalFailure(reason, failures: status.failures)
                next = Date().addingTimeInterval(retry)
            }
        }
    }

    private var retry: TimeInterval { TimeInterval(schedule.retry.components.seconds) }

    private func journalFailure(_ reason: String, failures: Int) {
        let session = session()
        do {
            try session.journalAdmin(
                action: "backup.failed", target: schedule.to,
                details: .object([
                    ("to", .string(schedule.to)), ("error", .string(reason)), ("failures", .integer(Int64(failures))),
                ]))
        } catch {
            logger.error("cannot journal the failed backup", metadata: ["error": "\(error)"])
        }
    }

    private func session() -> AdminSession {
        let at = schedule.at.map { String(format: " at %02d:%02d", $0 / 60, $0 % 60) } ?? ""
        return AdminSession(
            spool: spool, config: config,
            actor: AdminSession.systemUser()
                + " (lienthong watch, backup\(at) every \(DurationText.format(schedule.every)))",
            reason: "office.yaml backup", dryRun: false, say: { [logger] line in logger.debug("\(line)") })
    }
}
