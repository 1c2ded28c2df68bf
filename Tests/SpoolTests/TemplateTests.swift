import Foundation
import Spool
import TestSupport
import Testing

/// The templates the program carries, and an office's own copies of them.
@Suite struct TemplateTests {
    /// Every file of the repository's Templates/ is built in, byte for byte, and nothing else is.
    @Test func theBuiltInTemplatesAreTheRepositorysTemplatesFolder() throws {
        let root = Project.file("Templates")
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }
            .filter { !FileManager.default.isDirectory(root + "/" + $0) }.sorted()
        #expect(BuiltinTemplates.names == files)
        for name in files {
            #expect(
                BuiltinTemplates.contents(name) == Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))),
                "\(name)")
            try TemplateChecker.validate(name, source: .builtin(name))
        }
    }

    @Test func eachFileIsLookedForOnItsOwnInOrder() throws {
        let directory = TemporaryDirectory("lienthong-templates")
        let spool = SpoolLayout(root: directory.file("Spool"))
        let environment = ["LIENTHONG_TEMPLATES": directory.file("env")]
        _ = try directory.write("Spool/templates/web/style.css", "body { color: black }\n")
        _ = try directory.write("env/register-incoming.html.mustache", "<h1>{{title}}</h1>\n")
        _ = try directory.write("Spool/templates/register-incoming.html.mustache", "<h2>{{title}}</h2>\n")
        #expect(
            TemplateSource.locate("web/style.css", spool: spool, environment: environment)
                == .file(spool.path("templates/web/style.css")))
        #expect(
            TemplateSource.locate("register-incoming.html.mustache", spool: spool, environment: environment)
                == .file(directory.file("env/register-incoming.html.mustache")))
        #expect(
            TemplateSource.locate("web/layout.html.mustache", spool: spool, environment: environment)
                == .builtin("web/layout.html.mustache"))
        #expect(TemplateSource.locate("nothing.mustache", spool: spool, environment: environment) == nil)
        let checks = TemplateChecker.check(spool: spool, environment: environment)
        #expect(
            checks.map(\.verdict) == [.ok, .shadowed(by: directory.file("env/register-incoming.html.mustache")), .ok])
    }

    @Test func aBrokenCopyIsNamedWithItsLineAndColumn() throws {
        let directory = TemporaryDirectory("lienthong-templates")
        let spool = SpoolLayout(root: directory.file("Spool"))
        let path = try directory.write(
            "Spool/templates/fallback-log.html.mustache", "<h1>Sổ</h1>\n<ul>{{#rows}}<li>{{name}}</li>\n</ul>\n")
        _ = try directory.write("Spool/templates/web/lay-out.html.mustache", "{{#x}}")
        _ = try directory.write("Spool/templates/packet-metadata.schema.json", "{\n  \"type\": \"object\",\n}\n")
        let checks = TemplateChecker.check(spool: spool, environment: [:])
        #expect(
            checks.map(\.name) == [
                "fallback-log.html.mustache", "packet-metadata.schema.json", "web/lay-out.html.mustache",
            ])
        guard case .broken(.invalid(let file, let line?, let column?, _)) = checks[0].verdict else {
            Issue.record("\(checks[0])")
            return
        }
        #expect(file == path && line >= 2 && column >= 1, "\(checks[0])")
        guard case .broken(.invalid(_, 3?, 1?, _)) = checks[1].verdict else {
            Issue.record("a trailing comma in the schema: \(checks[1])")
            return
        }
        #expect(checks[2].verdict == .unused)
        #expect(throws: TemplateError.self) {
            try TemplateChecker.requireUsableOverrides(spool: spool, environment: [:])
        }
        #expect(throws: TemplateError.self) { try PageTemplate.load("fallback-log.html.mustache", spool: spool) }
    }
}

extension FileManager {
    fileprivate func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
