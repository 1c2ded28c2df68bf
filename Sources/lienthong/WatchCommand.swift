import Admin
import ArgumentParser
import Foundation
import Logging
import Office
import ServiceLifecycle
import Spool

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract:
            "Run the office: turn outbox drops into signed, archived packets delivered to the recipients' inboxes.",
        discussion: """
            Watches agencies/*/outbox (inotify, or polling on NFS/SMB/FUSE as office.yaml says), waits until a drop has \
            settled, packs and signs it, archives it under archive/YYYY/MM/ and delivers it to every recipient's inbox. \
            What cannot be sent goes to the agency's rejected/ folder with a reason file. SIGTERM or SIGINT finishes the \
            batch in hand and stops; a restart finishes whatever a crash interrupted.
            """
    )

    @OptionGroup
    var spool: SpoolOptions

    @Flag(help: "Process everything pending, deliver, and exit.")
    var once = false

    func run() async throws {
        let layout = try spool.existingLayout(namingRoot: true)
        let logger = Logger(label: "lienthong.office")
        let daemon: OfficeDaemon
        do {
            daemon = try OfficeDaemon(spool: layout, mode: once ? .once : .daemon, logger: logger)
        } catch {
            throw CommandFailure("the office cannot start: \(error)", code: 2)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        // office.yaml `metrics: { listen: HOST:PORT }`: GET /metrics beside the office, which waits until it listens.
        let metrics = daemon.config.metrics.map(MetricsEndpoint.init)
        if let metrics { services = metrics.services(running: daemon, logger: logger) }
        // The clerks' folders: unfinished moves finished at start; office.yaml `rotate:` runs rotations on schedule.
        if !once {
            services.append(
                .init(
                    service: ScheduledRotation(spool: layout, config: daemon.config, logger: logger),
                    successTerminationBehavior: .ignore))
            if let schedule = daemon.config.backup {
                services.append(
                    .init(
                        service: ScheduledBackup(
                            spool: layout, config: daemon.config, schedule: schedule, logger: logger),
                        successTerminationBehavior: .ignore))
            }
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch  where metrics?.isListening == false {
            throw CommandFailure(
                "the office cannot start: cannot serve metrics on \(metrics?.address.listen ?? "") "
                    + "(office.yaml metrics.listen): \(error)", code: 2)
        }
    }
}
