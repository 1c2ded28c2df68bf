import Admin
import ArgumentParser
import Foundation
import Packets
import Spool

/// `lienthong cert rotate|revoke`: an agency's certificates (a contract: tests outside the project call these names).
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Rotate and revoke agencies' certificates.",
        discussion: """
            rotate installs a new certificate (and key) and keeps the old certificate in previousCertificates: what it \
            signed stays valid. revoke stops the office accepting what a certificate signed from --since on (packets \
            signed after are refused on arrival, with a 02, and reported by archive verify); what it signed before \
            stays valid. Both are journaled admin actions (--reason, --dry-run); the daemon picks them up without a \
            restart.
            """,
        subcommands: [Rotate.self, Revoke.self]
    )

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a new certificate and key for an agency; the old certificate stays for what it signed.")
        @Argument(help: "The agency's code.") var code: String
        @Option(help: "The new certificate (PEM).") var cert: String
        @Option(help: "The new private key (PEM); without it, the certificate must belong to the present key.")
        var key: String?
        @Option(help: "A file holding the new key's passphrase.") var keyPassphraseFile: String?
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in
                try CertAdmin(session: session).rotate(
                    try AdminArguments.code(code), certificate: cert, key: key, passphraseFile: keyPassphraseFile)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an agency's certificate from a time on (the one the last rotation replaced, by default).")
        @Argument(help: "The agency's code.") var code: String
        @Option(help: "From when packets it signed are refused: 2026-12-01T08:00:00+07:00, a date and time, or now.")
        var since: String
        @Option(help: "keyCompromise, superseded or cessationOfOperation (also journaled as the reason).")
        var reason: String
        @Option(help: "Which certificate: a PEM file or its SHA-256 (default: the one the last rotation replaced).")
        var certificate: String?
        @OptionGroup var spool: SpoolOptions
        @Option(help: "Why, in words (journaled with the revocation reason).") var note: String?
        @Flag(help: "Print exactly what would change, and change nothing.") var dryRun = false

        func run() throws {
            try AdminOptions.run {
                let base = try AdminOptions.readOnly(spool)
                let session = AdminSession(
                    spool: base.spool, config: base.config, reason: note.map { "\(reason): \($0)" } ?? reason,
                    dryRun: dryRun, say: { print($0) })
                guard let time = AdminTime.parse(since, timeZone: session.timeZone, now: session.now()) else {
                    throw CommandFailure("--since \(since): không đọc được thời điểm — not a time", code: 2)
                }
                try CertAdmin(session: session).revoke(
                    try AdminArguments.code(code), since: time, reason: reason, certificate: certificate
                ).run(session)
            }
        }
    }
}

/// `lienthong crl install FILE…`: the CAs' revocation lists, checked before they are installed.
struct CRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Install certificate revocation lists into trust/crl.",
        subcommands: [Install.self]
    )

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install CRLs (PEM or DER) after checking each one's signature against trust/ca and its dates.")
        @Argument(help: "The CRL files.") var files: [String]
        @OptionGroup var admin: AdminOptions

        func run() throws {
            try admin.perform { session in try CertAdmin(session: session).installRevocationLists(files) }
        }
    }
}
