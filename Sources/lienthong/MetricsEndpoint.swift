import Foundation
import Hummingbird
import Logging
import Metrics
import Office
import Prometheus
import ServiceLifecycle
import Spool

/// `GET /metrics` in the Prometheus text format, for `lienthong watch` when office.yaml has
/// `metrics: { listen: HOST:PORT }` (README, "Metrics"). The modules record through swift-metrics; this is the one
/// place that bootstraps it, with a Prometheus registry, so a spool without `metrics:` records nothing.
///
/// The server runs in the daemon's ServiceGroup (SIGTERM stops both), and the office starts only once the server
/// listens: a port that cannot be bound stops `watch` before anything is claimed.
struct MetricsEndpoint {
    let address: OfficeConfig.Metrics
    private let registry = PrometheusCollectorRegistry()
    private let gate = ListeningGate()

    /// Bootstraps swift-metrics for the process (once: a second bootstrap is a programming error).
    init(_ address: OfficeConfig.Metrics) {
        self.address = address
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = OfficeMetrics.histogramBuckets
        MetricsSystem.bootstrap(factory)
    }

    /// Whether the server got its port: when the group fails before that, the port was the reason.
    var isListening: Bool { gate.isOpen }

    /// The metrics server, then `daemon` (which starts once the server listens and, when it ends, stops the group).
    func services(running daemon: any Service, logger: Logger) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let router = Router()
        router.get("metrics") { [registry] _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let server = Application(
            router: router,
            configuration: .init(
                address: .hostname(address.host, port: address.port),
                serverName: "LienThong"),
            onServerRunning: { [gate, address, logger] _ in
                logger.info("serving metrics", metadata: ["url": "http://\(address.listen)/metrics"])
                gate.open()
            },
            logger: logger)
        return [
            .init(service: server),
            .init(service: AfterListening(daemon, gate), successTerminationBehavior: .gracefullyShutdownGroup),
        ]
    }
}

/// Opened once, when the metrics server listens.
private final class ListeningGate: @unchecked Sendable {
    // Sendable: `opened` is only read and written under `lock`; the stream's continuation is thread-safe.
    private let lock = NSLock()
    private var opened = false
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }

    var isOpen: Bool { lock.withLock { opened } }

    func open() {
        lock.withLock { opened = true }
        continuation.yield()
        continuation.finish()
    }
}

/// Runs a service once the gate opens; when the group is cancelled first (the server could not listen), not at all.
private struct AfterListening: Service {
    let service: any Service
    let gate: ListeningGate

    init(_ service: any Service, _ gate: ListeningGate) {
        self.service = service
        self.gate = gate
    }

    func run() async throws {
        for await _ in gate.stream { break }
        guard gate.isOpen, !Task.isCancelled else { return }
        try await service.run()
    }
}
