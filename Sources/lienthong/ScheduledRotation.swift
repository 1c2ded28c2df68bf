import Admin
import Foundation
import Intake
import Logging
import ServiceLifecycle
import Spool

/// The daemon's side of `lienthong rotate`: at start it finishes the moves a rotation stopped by a crash left
/// unmade; with office.yaml `rotate: { every: 24h, keepFor: 30d, to: … }` it rotates every agency's folders every
/// `every` (the first time one `every` after the start), each run journaled as an admin action of the schedule. A
/// run that fails is logged and tried again at the next one; one refused because a `lienthong rotate` is running is
/// left to it. It runs on a thread of its own and waits as the office's loop does (`LoopControl`: a semaphore on the
/// monotonic clock), so a long rotation never holds a thread of the concurrency pool.
struct ScheduledRotation: Service {
    let spool: SpoolLayout
    let config: OfficeConfig
    let logger: Logger
    private let control = LoopControl()

    init(spool: SpoolLayout, config: OfficeConfig, logger: Logger) {
        self.spool = spool
        self.config = config
        self.logger = logger
    }

    func run() async throws {
        await ThreadService.run(named: "lienthong-rotate", control: control) { [self] in loop() }
    }

    private func loop() {
        let session = session()
        do {
            try FolderRotation(session: session).finishUnlessRunning()
        } catch {
            logger.error("cannot finish an interrupted rotation", metadata: ["error": "\(error)"])
        }
        guard let schedule = config.rotate else { return }
        while !control.isStopping {
            control.wait(schedule.every)
            if control.isStopping { return }
            do {
                let outcome = try FolderRotation(session: session).rotate(
                    agencies: nil, olderThan: TimeInterval(schedule.keepFor.components.seconds), to: schedule.to)
                logger.info(
                    "rotated the clerks' folders",
                    metadata: ["moved": "\(outcome.moved)", "finished": "\(outcome.finished)"])
            } catch let refusal as AdminRefusal {
                logger.warning("the scheduled rotation did not run", metadata: ["reason": "\(refusal.en)"])
            } catch {
                logger.error("the scheduled rotation failed; it is tried again", metadata: ["error": "\(error)"])
            }
        }
    }

    private func session() -> AdminSession {
        let every = config.rotate.map { "every \(DurationText.format($0.every))" } ?? "at start"
        return AdminSession(
            spool: spool, config: config, actor: AdminSession.systemUser() + " (lienthong watch, rotate \(every))",
            reason: "office.yaml rotate", dryRun: false, say: { [logger] line in logger.debug("\(line)") })
    }
}
