import Admin
import ArgumentParser
import Foundation
import Ledger
import Packets

/// `lienthong hold add|release PACKET --reason …`: legal holds (a contract: tests outside the project call these).
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Put a legal hold on a packet (no destruction, by anyone) or release it.",
        subcommands: [Add.self, Release.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold a packet: it cannot be destroyed.")
        @Argument(help: "The packet id.") var packet: String
        @OptionGroup var admin: AdminOptions
        func run() throws { try admin.perform { try RetentionDesk(session: $0).hold(packet, release: false) } }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a packet's legal hold.")
        @Argument(help: "The packet id.") var packet: String
        @OptionGroup var admin: AdminOptions
        func run() throws { try admin.perform { try RetentionDesk(session: $0).hold(packet, release: true) } }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The legal holds in force.")
        @OptionGroup var spool: SpoolOptions
        func run() throws {
            try AdminOptions.run {
                for hold in try AdminOptions.readOnly(spool).index().legalHolds() {
                    print("\(hold.packetId)  since \(hold.at) by \(hold.by): \(hold.reason)")
                }
            }
        }
    }
}

/// `lienthong retention show|extend`: a packet's retention, and extending it (never shortening).
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "A packet's retention (Circular 10/2022/TT-BNV) and its disposal date; extend it.",
        discussion: """
            The retention is the longest of: the schedule's row for the document's type \
            (Templates/retention-schedule.yaml), its records' "Thời hạn bảo quản", and any extension. It counts \
            from the end of the year the record (else the document) ends in.
            """,
        subcommands: [Show.self, Extend.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A packet's retention and disposal date.")
        @Argument(help: "The packet id.") var packet: String
        @OptionGroup var spool: SpoolOptions
        func run() throws {
            try AdminOptions.run {
                let effective = try RetentionDesk(session: try AdminOptions.readOnly(spool)).show(packet)
                print("\(packet): \(effective.retention) (\(effective.basis))")
                print(
                    effective.due.map { "  may be destroyed from \(Timestamp.string($0, in: Timestamp.vietnam))" }
                        ?? "  kept permanently")
            }
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep a packet or a record longer.")
        @Argument(help: "A packet id or a record's FileCode.") var key: String
        @Option(help: "The new retention: \"Vĩnh viễn\" or \"N năm\".") var to: String
        @OptionGroup var admin: AdminOptions
        func run() throws {
            guard let retention = Retention(to) else {
                throw CommandFailure(
                    "--to \(to): cần \"Vĩnh viễn\" hoặc \"N năm\" — expected \"Vĩnh viễn\" or \"N năm\"", code: 2)
            }
            try admin.perform { try RetentionDesk(session: $0).extend(key, to: retention) }
        }
    }
}

/// `lienthong disposal propose --due | approve ID | list` (a contract: tests outside the project call these).
struct DisposalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disposal",
        abstract: "Destroy what is past its retention: proposed, then approved by two different admin accounts.",
        subcommands: [Propose.self, Approve.self, List.self])

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose destroying every packet past its retention (legal holds left out).")
        @Flag(help: "The packets due now.") var due = false
        @OptionGroup var admin: AdminOptions
        func validate() throws { guard due else { throw ValidationError("say --due (what is due now)") } }
        func run() throws {
            try AdminOptions.run {
                guard let proposal = try RetentionDesk(session: try admin.session()).propose() else {
                    print("Không có gì đến hạn huỷ — nothing is due for destruction")
                    return
                }
                print("proposal: \(proposal.id) (\(proposal.packets.count) packets)")
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a proposal as an admin account (its password on stdin); two make it happen.")
        @Argument(help: "The proposal's id (HUY-YYYY-NNN).") var id: String
        @Option(name: .customLong("as"), help: "The admin account approving (a web account with the admin role).")
        var account: String
        @OptionGroup var admin: AdminOptions
        func run() throws {
            let password = try UserCommand.readPassword()
            try AdminOptions.run {
                let proposal = try RetentionDesk(session: try admin.session()).approve(
                    id, account: account, password: password)
                print(
                    proposal.destroyedAt == nil
                        ? "\(id): \(Set(proposal.approvals).count) of 2 approvals — nothing destroyed yet"
                        : "\(id): carried out at \(proposal.destroyedAt!)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disposal proposals and their approvals.")
        @OptionGroup var spool: SpoolOptions
        func run() throws {
            try AdminOptions.run {
                for proposal in try AdminOptions.readOnly(spool).index().disposals() {
                    print(
                        "\(proposal.id)  \(proposal.packets.count) packets, approved by "
                            + "\(proposal.approvals.isEmpty ? "nobody yet" : proposal.approvals.joined(separator: ", "))"
                            + (proposal.destroyedAt.map { ", destroyed at \($0)" } ?? ""))
                }
            }
        }
    }
}
