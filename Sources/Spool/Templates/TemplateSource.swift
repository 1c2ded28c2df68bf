import Foundation

/// Where the templates an office uses come from. Each file is looked for on its own, so an office may override
/// only the files it changed: `$LIENTHONG_TEMPLATES`, then the spool's `templates/`, then
/// `/etc/lienthong/templates/`, then the default built into the program.
public enum TemplateSource: Sendable, Equatable, CustomStringConvertible {
    /// An office's own file at this path.
    case file(String)
    /// The default carried by the program.
    case builtin(String)

    /// The folders an office's own templates are looked for in, in order.
    public static func overrideFolders(
        spool: SpoolLayout?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        var folders: [String] = []
        if let configured = environment["LIENTHONG_TEMPLATES"], !configured.isEmpty { folders.append(configured) }
        if let spool { folders.append(spool.path("templates")) }
        folders.append(systemFolder)
        return folders
    }

    /// The system-wide folder of overrides (a Debian admin's place for local changes).
    public static let systemFolder = "/etc/lienthong/templates"

    /// Where the template `name` (e.g. `register-outgoing.html.mustache`) comes from: the first override folder
    /// holding it, else the built-in default; nil when there is neither.
    public static func locate(
        _ name: String, spool: SpoolLayout?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> TemplateSource? {
        for folder in overrideFolders(spool: spool, environment: environment) {
            let path = folder + "/" + name
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                return .file(path)
            }
        }
        return BuiltinTemplates.contents(name) == nil ? nil : .builtin(name)
    }

    /// The bytes of this template.
    public func contents() throws(TemplateError) -> [UInt8] {
        switch self {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw .missing(path) }
            return Array(data)
        case .builtin(let name):
            guard let bytes = BuiltinTemplates.contents(name) else { throw .notFound(name) }
            return bytes
        }
    }

    /// The text of this template (UTF-8).
    public func text() throws(TemplateError) -> String {
        guard let text = String(validating: try contents(), as: UTF8.self) else {
            throw .invalid(description, line: nil, column: nil, "not UTF-8 text (save it as UTF-8)")
        }
        return text
    }

    /// The path, or `built-in:NAME`.
    public var description: String {
        switch self {
        case .file(let path): path
        case .builtin(let name): "built-in:\(name)"
        }
    }
}
