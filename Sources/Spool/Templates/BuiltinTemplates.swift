import Foundation

/// The default templates, built into the program from the package's `Templates/` folder (by the EmbedTemplates
/// build plugin), so an installed `lienthong` needs no file beside it to print a register, serve the web pages or
/// write the paper fallback log and the incident report (Decision 17/2019 Art 8.1).
public enum BuiltinTemplates {
    /// Every built-in file by its path relative to `Templates/` (e.g. `web/layout.html.mustache`).
    public static let files: [String: [UInt8]] = {
        var files: [String: [UInt8]] = [:]
        for (name, base64) in embeddedTemplateFiles {
            // The generator wrote valid base64; a failure here would be a broken build, not a runtime condition.
            guard let data = Data(base64Encoded: base64) else {
                preconditionFailure("built-in template \(name) is damaged")
            }
            files[name] = Array(data)
        }
        return files
    }()

    /// The built-in file names, sorted.
    public static var names: [String] { files.keys.sorted() }

    /// The bytes of the built-in file `name`, if there is one.
    public static func contents(_ name: String) -> [UInt8]? { files[name] }
}
