import Foundation
import PackagePlugin

/// Builds every file of the package's `Templates/` folder into the target that uses this plugin, so the program
/// carries its default pages, styles and schemas wherever it is installed. `Templates/` stays the one source of
/// truth: the generated Swift file is remade whenever a template changes, and nothing is copied by hand.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let templates = context.package.directoryURL.appending(path: "Templates")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplateFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding Templates/ into \(target.name)",
                executable: try context.tool(named: "embed-templates").url,
                arguments: [templates.path, output.path],
                inputFiles: try files(under: templates),
                outputFiles: [output]
            )
        ]
    }

    /// Every regular file under `folder`, so that adding, editing or removing one remakes the generated source.
    private func files(under folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            return []
        }
        var found: [URL] = [folder]
        for case let url as URL in walker
        where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            found.append(url)
        }
        return found
    }
}
