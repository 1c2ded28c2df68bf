import Foundation
import Packets

/// One file found among an office's own templates, and whether the office can use it.
public struct TemplateCheck: Sendable, Equatable {
    /// What was found.
    public enum Verdict: Sendable, Equatable {
        /// It compiles (or, for a stylesheet or schema, reads) and replaces the built-in default.
        case ok
        /// It replaces the built-in default but cannot be used: the office refuses to start with it.
        case broken(TemplateError)
        /// A file of that name in an earlier folder is used instead.
        case shadowed(by: String)
        /// No template of that name exists: a misspelt name, or a file the office never reads.
        case unused
    }

    /// The path relative to the templates folder (e.g. `web/layout.html.mustache`).
    public let name: String
    /// The file's path.
    public let path: String
    public let verdict: Verdict
}

/// Checks an office's own templates: every file of every override folder, each compiled as it would be used.
public enum TemplateChecker {
    /// Every file found in the override folders, in folder order, each with its verdict.
    public static func check(
        spool: SpoolLayout?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [TemplateCheck] {
        var checks: [TemplateCheck] = []
        var used: [String: String] = [:]
        for folder in TemplateSource.overrideFolders(spool: spool, environment: environment) {
            for name in files(under: folder) {
                let path = folder + "/" + name
                let verdict: TemplateCheck.Verdict
                if let earlier = used[name] {
                    verdict = .shadowed(by: earlier)
                } else if BuiltinTemplates.contents(name) == nil {
                    verdict = .unused
                } else {
                    used[name] = path
                    do {
                        try validate(name, source: .file(path))
                        verdict = .ok
                    } catch {
                        verdict = .broken(error)
                    }
                }
                checks.append(TemplateCheck(name: name, path: path, verdict: verdict))
            }
        }
        return checks
    }

    /// Throws the first override the office would use that cannot be used: the daemon, `serve` and `register`
    /// refuse to start with a broken template rather than fail when the page is needed (during an outage).
    public static func requireUsableOverrides(
        spool: SpoolLayout?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws(TemplateError)
    {
        for check in check(spool: spool, environment: environment) {
            if case .broken(let error) = check.verdict { throw error }
        }
    }

    /// Checks the template `name` from `source` as the office reads it: Mustache compiled, JSON parsed strictly,
    /// any other file read as UTF-8 text.
    public static func validate(_ name: String, source: TemplateSource) throws(TemplateError) {
        if name.hasSuffix(".mustache") {
            _ = try PageTemplate(source: source)
        } else if name.hasSuffix(".json") {
            let bytes = try source.contents()
            do {
                _ = try JSONParser().parse(bytes)
            } catch {
                throw .invalid(source.description, line: error.line, column: error.column, error.english)
            }
        } else {
            _ = try source.text()
        }
    }

    /// The regular files under `folder` (relative paths, sorted), leaving out hidden files and editors' backups.
    private static func files(under folder: String) -> [String] {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            return []
        }
        var names: [String] = []
        for case let url as URL in walker {
            if url.lastPathComponent.hasPrefix(".") || url.lastPathComponent.hasSuffix("~") {
                walker.skipDescendants()
                continue
            }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            names.append(String(url.standardizedFileURL.path.dropFirst(root.path.count + 1)))
        }
        return names.sorted()
    }
}
