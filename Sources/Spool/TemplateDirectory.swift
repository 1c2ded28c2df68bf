import Foundation

/// Where the Mustache templates and JSON Schemas a user may edit are found. Each file is looked for on its own, in
/// this order: `$LIENTHONG_TEMPLATES`; the spool's own `templates/` (an office's local changes, which may hold only
/// the files it changed); the `Templates/` folder of the installation (next to the executable or above it, as in a
/// build tree); `/usr/share/lienthong/templates`.
public enum TemplateDirectory {
    /// The folders searched, in order.
    public static func candidates(spool: SpoolLayout?, executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["LIENTHONG_TEMPLATES"], !configured.isEmpty {
            candidates.append(configured)
        }
        if let spool { candidates.append(spool.path("templates")) }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("Templates").path)
            folder.deleteLastPathComponent()
        }
        candidates.append("/usr/share/lienthong/templates")
        return candidates
    }

    /// The path of the template file `name` (e.g. `register-outgoing.html.mustache`) in the first folder holding it.
    public static func locate(_ name: String, spool: SpoolLayout?, executable: String = CommandLine.arguments.first ?? "") -> String? {
        candidates(spool: spool, executable: executable).lazy.map { $0 + "/" + name }
            .first { FileManager.default.isReadableFile(atPath: $0) }
    }
}
