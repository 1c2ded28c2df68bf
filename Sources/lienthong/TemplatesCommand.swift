import ArgumentParser
import DurableIO
import Foundation
import Spool

/// `lienthong templates`: the pages, styles and schemas the office carries, and an office's own copies of them.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Export the built-in templates for an office to edit, and check an office's own copies.",
        discussion: """
            Each template is looked for on its own: $LIENTHONG_TEMPLATES, then the spool's templates/, then \
            /etc/lienthong/templates/, then the default built into lienthong. An office copies only the files it changes.
            """,
        subcommands: [Export.self, Check.self, List.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the built-in templates into DIR (e.g. the spool's templates/), to edit.")

        @Argument(help: "The folder to write into (created when missing).")
        var directory: String

        @Option(name: .customLong("only"), help: "Only these templates (e.g. web/style.css); repeat for more.")
        var only: [String] = []

        @Flag(help: "Replace files that already exist (an office's edits in them are lost).")
        var force = false

        @Flag(help: "Print what would be written, and write nothing.")
        var dryRun = false

        func run() throws {
            let unknown = only.filter { BuiltinTemplates.contents($0) == nil }
            guard unknown.isEmpty else {
                throw CommandFailure(
                    "không có mẫu \(unknown.joined(separator: ", ")) / no built-in template "
                        + "\(unknown.joined(separator: ", ")) (see `lienthong templates list`)", code: 2)
            }
            let names = only.isEmpty ? BuiltinTemplates.names : only
            let existing = names.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }
            if !existing.isEmpty, !force {
                throw CommandFailure(
                    """
                    Đã có tệp mẫu trong \(directory), không ghi đè: \(existing.joined(separator: ", ")).
                    These files exist already and were left as they are: \(existing.joined(separator: ", ")).
                    Move them away, export into another folder, or use --force to replace them.
                    """)
            }
            for name in names {
                let path = directory + "/" + name
                guard !dryRun else {
                    print("would write \(path)")
                    continue
                }
                guard let bytes = BuiltinTemplates.contents(name) else { continue }
                do {
                    try Durable.makeDirectories((path as NSString).deletingLastPathComponent)
                    try Durable.writeFile(at: path, bytes: bytes, replace: force)
                } catch {
                    throw CommandFailure("không ghi được \(path) / cannot write \(path): \(error)")
                }
                print("wrote \(path)")
            }
            if !dryRun {
                print(
                    "\(names.count) template(s) written; an office keeps only the files it changes (the others come from lienthong)."
                )
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile every template an office has of its own (exit 1 when one cannot be used).")

        @OptionGroup
        var spool: SpoolOptions

        @Flag(help: "Answer in JSON.")
        var json = false

        func run() throws {
            let layout = spool.layout
            let checks = TemplateChecker.check(spool: layout)
            let broken = checks.filter { if case .broken = $0.verdict { true } else { false } }
            if json {
                let rows: [[String: Any]] = checks.map { check in
                    var row: [String: Any] = ["name": check.name, "path": check.path]
                    switch check.verdict {
                    case .ok: row["verdict"] = "ok"
                    case .broken(let error):
                        row["verdict"] = "broken"
                        row["error"] = "\(error)"
                    case .shadowed(let by):
                        row["verdict"] = "shadowed"
                        row["usedInstead"] = by
                    case .unused: row["verdict"] = "unused"
                    }
                    return row
                }
                let data = try JSONSerialization.data(
                    withJSONObject: ["ok": broken.isEmpty, "templates": rows],
                    options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            } else {
                let folders = TemplateSource.overrideFolders(spool: layout)
                if checks.isEmpty {
                    print(
                        "no template of the office's own in \(folders.joined(separator: ", ")): the built-in ones are used"
                    )
                }
                for check in checks {
                    switch check.verdict {
                    case .ok: print("ok        \(check.path)")
                    case .broken(let error):
                        print("LỖI/ERROR \(error)")
                        print(
                            "          Mẫu này không dùng được: văn phòng sẽ không khởi động. / The office refuses to start with it: "
                                + "fix it at the line and column shown, or remove it to use the built-in default.")
                    case .shadowed(let by): print("unused    \(check.path) (\(by) is used instead)")
                    case .unused:
                        print("unused    \(check.path) (no template has this name; see `lienthong templates list`)")
                    }
                }
            }
            if !broken.isEmpty { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every template and where the office takes it from.")

        @OptionGroup
        var spool: SpoolOptions

        func run() {
            let layout = spool.layout
            for name in BuiltinTemplates.names {
                let source = TemplateSource.locate(name, spool: layout) ?? .builtin(name)
                print("\(name)\t\(source)")
            }
        }
    }
}
