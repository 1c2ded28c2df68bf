import Foundation
import Logging
import Packets
import Spool
import TestSupport
import Testing
import WorkingTime

@testable import Fallback

/// The outage monitor with an injected clock and the office's usual calendar (Mon–Fri, 07:30–11:30 and
/// 13:30–17:00): the 4-working-hour threshold is reached exactly, not a second early, across the lunch break.
@Suite struct OutageMonitorTests {
    let directory = TemporaryDirectory()
    let recipient = AgencyCode("000.00.01.H53")!

    final class Clock: @unchecked Sendable {
        // Sendable: set only by the test between calls.
        var now = Date()
    }

    func at(_ text: String) -> Date { Timestamp.parse(text + "+07:00")! }

    /// A document waiting for `recipient`, as delivery leaves one.
    func job(_ number: String, priority: String, spool: SpoolLayout) throws -> WaitingDocument {
        let document = try SidecarParser().parse(
            Array(Fixtures.sidecar(to: [recipient.rawValue], number: number, priority: priority).utf8))
        return WaitingDocument(
            packetId: PacketID.make(), sender: AgencyCode("000.00.00.H53")!, document: document, pending: [recipient])
    }

    func monitor(_ clock: Clock, spool: SpoolLayout) -> OutageMonitor {
        let config = OfficeConfig()
        return OutageMonitor(
            spool: spool, config: config, calendar: WorkingCalendar(config.calendar),
            clock: OfficeClock(now: { clock.now }),
            logger: Logger(label: "test"))
    }

    @Test func theThresholdIsReachedExactlyAcrossLunchAndRecoveryClosesTheIncident() throws {
        let spool = SpoolLayout(root: directory.file("Spool"))
        let clock = Clock()
        let monitor = monitor(clock, spool: spool)
        monitor.start()
        let ordinary = try job("1", priority: "thuong", spool: spool)
        let urgent = try job("2", priority: "hoa-toc", spool: spool)

        // Tuesday 10:00: the share is gone. The hỏa tốc document is in the paper log at once, the ordinary one not.
        clock.now = at("2026-11-24T10:00:00")
        monitor.deliveryFailed(ordinary.packetId, to: recipient, error: "no such folder", at: clock.now)
        monitor.deliveryFailed(urgent.packetId, to: recipient, error: "no such folder", at: clock.now)
        monitor.evaluate(waiting: [ordinary, urgent], names: [:])
        #expect(monitor.state.failing[recipient.rawValue]?.since == clock.now)
        #expect(monitor.state.entries.map(\.document.numberAndNotation) == ["2/QĐ-UBND"])
        #expect(monitor.state.entries.first?.document.immediate == true && monitor.state.openIncident == nil)
        // 10:00–11:30 is 1.5 h; lunch does not count; 13:30 + 2.5 h = 16:00.
        #expect(monitor.nextDeadline() == at("2026-11-24T16:00:00"))
        clock.now = at("2026-11-24T15:59:59")
        monitor.evaluate(waiting: [ordinary, urgent], names: [:])
        #expect(monitor.state.openIncident == nil && monitor.state.entries.count == 1)
        clock.now = at("2026-11-24T16:00:00")
        monitor.evaluate(waiting: [ordinary, urgent], names: [:])
        let incident = try #require(monitor.state.openIncident)
        #expect(incident.since == at("2026-11-24T10:00:00") && incident.routes == [recipient.rawValue])
        #expect(
            Set(monitor.state.entries(of: incident.id).map(\.document.numberAndNotation)) == ["1/QĐ-UBND", "2/QĐ-UBND"])

        // Back at 16:30, both delivered (hỏa tốc first): the incident closes after 4.5 working hours.
        clock.now = at("2026-11-24T16:30:00")
        monitor.delivered(urgent.packetId, to: recipient, at: clock.now)
        monitor.delivered(ordinary.packetId, to: recipient, at: clock.now)
        #expect(monitor.takeRestored() == [recipient])
        monitor.evaluate(waiting: [], names: [:])
        let closed = try #require(monitor.state.incidents.first)
        #expect(!closed.isOpen && closed.workingSeconds == 4.5 * 3600 && closed.end == at("2026-11-24T16:30:00"))
        #expect(monitor.state.entries.allSatisfy { $0.state == "delivered" } && monitor.state.failing.isEmpty)

        // Replayed from the file, the log says the same.
        let replayed = FallbackState(try FallbackLog(directory: spool.root + "/fallback").readAll())
        #expect(replayed.incidents == monitor.state.incidents && replayed.entries == monitor.state.entries)
    }

    @Test func aFailureStartingAfterHoursWaitsForTheNextWorkingMorning() throws {
        let spool = SpoolLayout(root: directory.file("Spool"))
        let clock = Clock()
        let monitor = monitor(clock, spool: spool)
        monitor.start()
        let ordinary = try job("3", priority: "thuong", spool: spool)
        // Friday 18:00: nothing counts until Monday 07:30; four working hours end at 11:30.
        clock.now = at("2026-11-27T18:00:00")
        monitor.deliveryFailed(ordinary.packetId, to: recipient, error: "read-only file system", at: clock.now)
        monitor.evaluate(waiting: [ordinary], names: [:])
        #expect(monitor.nextDeadline() == at("2026-11-30T11:30:00"))
        clock.now = at("2026-11-30T11:29:59")
        monitor.evaluate(waiting: [ordinary], names: [:])
        #expect(monitor.state.openIncident == nil)
        clock.now = at("2026-11-30T11:30:00")
        monitor.evaluate(waiting: [ordinary], names: [:])
        #expect(monitor.state.openIncident != nil && monitor.state.entries.count == 1)
    }

    @Test func whatHappenedUnseenIsReconciledFromTheOfficesFacts() throws {
        let spool = SpoolLayout(root: directory.file("Spool"))
        let clock = Clock()
        var monitor = monitor(clock, spool: spool)
        monitor.start()
        let first = try job("4", priority: "thuong", spool: spool)
        let second = try job("5", priority: "thuong", spool: spool)
        clock.now = at("2026-11-24T08:00:00")
        monitor.deliveryFailed(first.packetId, to: recipient, error: "no such folder", at: clock.now)
        monitor.evaluate(waiting: [first, second], names: [:])
        clock.now = at("2026-11-24T14:00:00")  // 08:00–11:30 and 13:30–14:00: four working hours
        monitor.evaluate(waiting: [first, second], names: [:])
        #expect(monitor.state.openIncident != nil && monitor.state.entries.count == 2)

        // The office crashed right after delivering the first and the recipient refusing the second: a new
        // monitor finds nothing waiting, and learns what happened from the index.
        clock.now = at("2026-11-24T15:00:00")
        monitor = self.monitor(clock, spool: spool)
        monitor.start()
        let firstId = first.packetId.rawValue
        monitor.facts = OutageFacts(
            outcome: { packet, _ in
                packet == firstId
                    ? .delivered(self.at("2026-11-24T14:10:00")) : .refused(self.at("2026-11-24T14:11:00"))
            },
            reachable: { _ in true })
        monitor.evaluate(waiting: [], names: [:])
        #expect(monitor.state.entries.map(\.state) == ["delivered", "refused"], "\(monitor.state.entries)")
        #expect(monitor.state.failing.isEmpty && monitor.state.openIncident == nil)
    }

    @Test func aFailingRouteNothingWaitsForIsRestoredOnceItsInboxIsThere() throws {
        let spool = SpoolLayout(root: directory.file("Spool"))
        let clock = Clock()
        var monitor = monitor(clock, spool: spool)
        monitor.start()
        let ordinary = try job("6", priority: "thuong", spool: spool)
        clock.now = at("2026-11-24T08:00:00")
        monitor.deliveryFailed(ordinary.packetId, to: recipient, error: "no such folder", at: clock.now)
        monitor.evaluate(waiting: [ordinary], names: [:])
        // Delivered before the crash, unseen; the restarted office has nothing waiting for the route.
        monitor = self.monitor(clock, spool: spool)
        monitor.start()
        var reachable = false
        monitor.facts = OutageFacts(outcome: { _, _ in nil }, reachable: { _ in reachable })
        monitor.evaluate(waiting: [], names: [:])
        #expect(monitor.state.failing[recipient.rawValue] != nil)
        reachable = true
        monitor.evaluate(waiting: [], names: [:])
        #expect(monitor.state.failing.isEmpty)
    }
}
