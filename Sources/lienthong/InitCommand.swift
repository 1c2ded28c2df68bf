import ArgumentParser
import Spool

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the spool layout; with --demo add demo agencies and a demo CA (test only).",
        discussion: "Existing files are left as they are, so running init again only adds what is missing."
    )

    @OptionGroup
    var spool: SpoolOptions

    @Flag(help: "Add four demo agencies with keys and certificates from a generated demo CA. For testing only.")
    var demo = false

    func run() throws {
        let layout = spool.layout
        let created = try SpoolInitializer(spool: layout).run(demo: demo)
        if created.isEmpty {
            print("Spool \(layout.root) is already complete.")
        } else {
            print("Spool \(layout.root):")
            for path in created { print("  created \(path)") }
        }
        if demo {
            print(
                """
                The demo agencies' keys and certificates come from the LienThong DEMO CA: they are for testing only
                (chỉ dùng để thử nghiệm). Give real agencies the certificates issued by Ban Cơ yếu Chính phủ.
                """)
        }
    }
}
