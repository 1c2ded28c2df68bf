import EdXML
import Foundation
import TestSupport

// edXML benchmark: reading an envelope whose one attachment is N MiB (default 500) — its base64 on one line, as the
// real senders write it — with the streaming reader (decoded to disk, hashed), time and peak memory, beside
// `base64 -d` of the same base64 in the same run.
//
//   swift build -c release && .build/release/lienthong-edxml-bench [--mib 500]
#if canImport(Glibc)
import Glibc
#endif

var mebibytes = 500
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--read":  // the measured child: read ENVELOPE into FOLDER, print the decoded size
        let message = try EdXMLReader.read(arguments.next() ?? "", into: arguments.next() ?? "")
        print(message.attachments.first?.size ?? 0)
        exit(0)
    case "--mib": mebibytes = Int(arguments.next() ?? "") ?? mebibytes
    default:
        print("usage: lienthong-edxml-bench [--mib N]")
        exit(2)
    }
}

let work = TemporaryDirectory("lienthong-edxml-bench")
print("LienThong edXML benchmark — one attachment of \(mebibytes) MiB in an envelope")
print("work folder: \(work.path)\n")

// The envelope (e08's header, from the fixtures) around a random attachment, and the same base64 on its own.
let sample = try String(
    contentsOfFile: Project.file("Tests/Fixtures/edxml/envelopes/e08-pvn-gateway-two-attachments.edxml"),
    encoding: .utf8)
let header = String(sample[..<sample.range(of: "<edXML:edXMLBody>")!.lowerBound])
let envelope = work.file("lon.edxml")
let plain = work.file("lon.b64")
do {
    guard let out = fopen(envelope, "w"), let raw = fopen(plain, "w") else { throw ProcessError.spawn("fopen", errno) }
    defer {
        fclose(out)
        fclose(raw)
    }
    let opening =
        header + """
            <edXML:edXMLBody><edXML:edXMLManifest version="1.0"><edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId>\
            <edXML:ContentType>application/pdf</edXML:ContentType><edXML:AttachmentName>lon.pdf</edXML:AttachmentName>\
            </edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody></edXML:edXMLEnvelope>
            <AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><AttachmentName>lon.pdf</AttachmentName>\
            <ContentType>application/pdf</ContentType><edXML:ContentTransferEncoded \
            xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
            """
    fputs(opening, out)
    var chunk = [UInt8](repeating: 0, count: 3 << 20)  // 3 MiB: whole base64 quanta, no padding until the end
    for _ in 0..<(mebibytes / 3 + 1) {
        chunk.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
        let text = Data(chunk).base64EncodedString()
        fputs(text, out)
        fputs(text, raw)
    }
    fputs("</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>\n", out)
}
_ = try BenchmarkTools.shell("sync")

let baseline = try BenchmarkTools.measure("base64", ["-d", plain], stdout: work.file("lon.base64-d"))
let folder = work.file("out")
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
_ = try BenchmarkTools.shell("sync")
let printed = work.file("size.txt")
let reader = try BenchmarkTools.measure(
    CommandLine.arguments[0], ["--read", envelope, folder], stdout: printed)
let size =
    Int64((try String(contentsOfFile: printed, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
    ?? 0
let decodedMiB = Double(size) / 1_048_576
print(
    String(
        format: "EdXMLReader (streaming XMLParser, base64 to disk, SHA-256): %.0f MiB in %.2f s (%.0f MiB/s), peak %@",
        decodedMiB, reader.seconds, decodedMiB / reader.seconds, BenchmarkTools.mebibytes(reader.peakBytes)))
print(
    String(
        format: "base64 -d of the same base64: %.2f s (%.0f MiB/s), peak %@ — time ×%.2f, memory ×%.2f",
        baseline.seconds, decodedMiB / baseline.seconds, BenchmarkTools.mebibytes(baseline.peakBytes),
        reader.seconds / baseline.seconds, Double(reader.peakBytes) / Double(baseline.peakBytes)))
try? FileManager.default.removeItem(atPath: work.path)
