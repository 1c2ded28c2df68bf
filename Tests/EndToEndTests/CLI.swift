import Foundation
import TestSupport

/// Runs the built `lienthong` binary and the outside tools, as a user would.
enum CLI {
    static func lienthong(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws
        -> ProcessResult
    {
        try ProcessRunner.run(Project.lienthong, arguments, environment: environment, stdin: stdin)
    }

    static func tamper(_ arguments: [String]) throws {
        let result = try ProcessRunner.run("python3", [Project.file("Tests/Tools/tamper.py")] + arguments)
        guard result.status == 0 else {
            throw ProcessError.failed("tamper.py \(arguments.joined(separator: " "))", result)
        }
    }

    /// The reason code `lienthong verify --json` gives, with its exit status.
    static func verifyReason(_ packet: String, _ extra: [String]) throws -> (
        status: Int32, code: String?, report: [String: Any]
    ) {
        let result = try lienthong(["verify", packet, "--json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        let reason = json["reason"] as? [String: Any]
        return (result.status, reason?["code"] as? String, json)
    }
}

/// An agency's files for `lienthong pack`.
struct PackInput {
    let directory: TemporaryDirectory
    let sidecar: String
    let documents: [String]

    static func make(in directory: TemporaryDirectory, sidecar: String = Fixtures.sidecar(), label: String = "in")
        throws -> PackInput
    {
        let documents = [
            try directory.write(
                "\(label)/Quyết định 125.pdf",
                "%PDF-1.7\n% Quyết định số 125\n" + String(repeating: "nội dung ", count: 500)),
            try directory.write("\(label)/Phụ lục 50% kinh phí.docx", Array(0..<255).map(UInt8.init)),
        ]
        return PackInput(
            directory: directory, sidecar: try directory.write("\(label)/qd.json", sidecar), documents: documents)
    }

    func pack(
        from code: String, key: String, cert: String, to output: String, extra: [String] = [],
        environment: [String: String] = [:]
    ) throws -> ProcessResult {
        try CLI.lienthong(
            ["pack"] + documents + ["--metadata", sidecar, "--from", code, "--key", key, "--cert", cert, "-o", output]
                + extra,
            environment: environment)
    }
}
