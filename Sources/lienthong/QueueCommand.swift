import Admin
import ArgumentParser
import Foundation
import Packets
import Spool

/// `lienthong queue list|hold|release|retry|drop`: the deliveries waiting, per route (a contract: tests outside the
/// project call these names and options).
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The deliveries waiting per route: list, hold, release, retry, drop.",
        discussion: """
            Like Postfix's postqueue/postsuper. hold, release, retry and drop are journaled admin actions (--reason, \
            --dry-run) the running daemon takes at its next pass. drop gives one recipient's delivery up: the packet \
            stays archived and the sender's status (sent/) says it was not delivered, with the reason; more than \
            one delivery only with the word ALL (queue drop ALL --to CODE, or queue drop PACKET --to ALL).
            """,
        subcommands: [List.self, Hold.self, Release.self, Retry.self, Drop.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Waiting deliveries per route: packet, urgency, age, attempts, last error.")
        @Flag(help: "Print the queue as JSON.") var json = false
        @OptionGroup var spool: SpoolOptions

        func run() throws {
            try AdminOptions.run {
                let session = try AdminOptions.readOnly(spool)
                let entries = try QueueAdmin(session: session).list()
                let names = (try? session.directory().agencies.mapValues(\.name)) ?? [:]
                let routes = Dictionary(grouping: entries, by: \.delivery.recipient).sorted { $0.key < $1.key }
                if json {
                    let value = JSONValue.object([
                        ("total", .integer(Int64(entries.count))),
                        (
                            "routes",
                            .array(
                                routes.map { route, items in
                                    .object([
                                        ("route", .string(route)),
                                        ("name", .string(AgencyCode(route).flatMap { names[$0] } ?? "")),
                                        ("waiting", .integer(Int64(items.count))),
                                        ("held", .integer(Int64(items.filter(\.held).count))),
                                        ("deliveries", .array(items.map(Self.json))),
                                    ])
                                })
                        ),
                    ])
                    FileHandle.standardOutput.write(Data(JSONWriter.bytes(value)))
                    return
                }
                guard !entries.isEmpty else {
                    print("Hàng đợi trống — the queue is empty")
                    return
                }
                for (route, items) in routes {
                    let name = AgencyCode(route).flatMap { names[$0] } ?? ""
                    print("\(route) \(name): \(items.count) waiting")
                    for item in items {
                        var line =
                            "  \(item.delivery.packetId)  \(item.delivery.numberAndNotation)  \(item.delivery.priority)  age \(Self.age(item.ageSeconds))  attempts \(item.attempts)"
                        if item.held { line += "  HELD" }
                        if let next = item.nextTry { line += "  next \(next)" }
                        if let error = item.lastError { line += "\n      last error: \(error)" }
                        print(line)
                    }
                }
            }
        }

        static func json(_ item: QueueAdmin.Entry) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("packetId", .string(item.delivery.packetId)), ("recipient", .string(item.delivery.recipient)),
                ("sender", .string(item.delivery.sender)), ("document", .string(item.delivery.numberAndNotation)),
                ("priority", .string(item.delivery.priority)), ("packedAt", .string(item.delivery.packedAt)),
                ("ageSeconds", .integer(item.ageSeconds)), ("attempts", .integer(Int64(item.attempts))),
                ("held", .bool(item.held)),
            ]
            fields.append(("lastError", item.lastError.map(JSONValue.string) ?? .null))
            fields.append(("nextTry", item.nextTry.map(JSONValue.string) ?? .null))
            return .object(fields)
        }

        static func age(_ seconds: Int64) -> String {
            seconds < 120 ? "\(seconds)s" : seconds < 7200 ? "\(seconds / 60)m" : "\(seconds / 3600)h"
        }
    }

    /// PACKET… or --route CODE.
    struct Selection: ParsableArguments {
        @Argument(help: "Packet ids.") var packets: [String] = []
        @Option(help: "Every delivery to this agency.") var route: String?

        func code() throws -> AgencyCode? { try route.map { try AdminArguments.code($0, "--route") } }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold deliveries (not tried until released).")
        @OptionGroup var selection: Selection
        @OptionGroup var admin: AdminOptions
        func run() throws {
            try admin.perform { session in
                try QueueAdmin(session: session).hold(false, packets: selection.packets, route: try selection.code())
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release held deliveries (tried at once).")
        @OptionGroup var selection: Selection
        @OptionGroup var admin: AdminOptions
        func run() throws {
            try admin.perform { session in
                try QueueAdmin(session: session).hold(true, packets: selection.packets, route: try selection.code())
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Try deliveries now, whatever their backoff.")
        @OptionGroup var selection: Selection
        @OptionGroup var admin: AdminOptions
        func run() throws {
            try admin.perform { session in
                try QueueAdmin(session: session).retry(packets: selection.packets, route: try selection.code())
            }
        }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give up a delivery: the recipient is marked not delivered, with the reason (ALL for many).")
        @Argument(help: "The packet id, or ALL (every waiting packet for --to).") var packet: String
        @Option(help: "The recipient, or ALL (every recipient the packet waits for).") var to: String
        @OptionGroup var admin: AdminOptions
        func run() throws {
            if to != "ALL" { _ = try AdminArguments.code(to, "--to") }
            try admin.perform { session in try QueueAdmin(session: session).drop(packet: packet, to: to) }
        }
    }
}
