import Foundation

/// Where the Mustache templates and JSON Schemas a user may edit are found, in this order: `$LIENTHONG_TEMPLATES`;
/// the spool's own `templates/` (an office's local changes); the `Templates/` folder of the installation (next to
/// the executable or above it, as in a build tree); `/usr/share/lienthong/templates`.
public enum TemplateDirectory {
    public static func locate(spool: SpoolLayout?, executable: String = CommandLine.arguments.first ?? "") -> String? {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["LIENTHONG_TEMPLATES"] { candidates.append(configured) }
        if let spool { candidates.append(spool.path("templates")) }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("Templates").path)
            folder.deleteLastPathComponent()
        }
        candidates.append("/usr/share/lienthong/templates")
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/register-outgoing.html.mustache") }
    }
}
