import Archiving
import DurableIO
import Foundation
import Packets
import Signing
import TestSupport

// Packing benchmark: LienThong against the shell pipeline an admin would otherwise script
// (sha256sum + openssl cms -sign + bsdtar per document), on the same inputs, in the same run.
//
//   swift run -c release lienthong-bench [--documents 1000] [--document-kib 100] [--large-mib 1024]
//
// It prints ratios, never absolute targets: the machine decides the seconds, the ratio tells the design.
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var documents = 1000
    var documentKiB = 100
    var largeMiB = 1024
    /// Only the in-process runs (for profiling).
    var inProcessOnly = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--documents": documents = Int(iterator.next() ?? "") ?? documents
            case "--document-kib": documentKiB = Int(iterator.next() ?? "") ?? documentKiB
            case "--large-mib": largeMiB = Int(iterator.next() ?? "") ?? largeMiB
            case "--in-process-only": inProcessOnly = true
            default:
                print("usage: lienthong-bench [--documents N] [--document-kib K] [--large-mib M] [--in-process-only]")
                exit(2)
            }
        }
    }
}

let time = BenchmarkTools.time
let mib = BenchmarkTools.mebibytes
let shell = BenchmarkTools.shell
func fill(_ path: String, bytes: Int) throws { try BenchmarkTools.fill(path, bytes: bytes) }

let options = Options(CommandLine.arguments)
let work = TemporaryDirectory("lienthong-bench")
print(
    "LienThong packing benchmark — \(options.documents) documents of \(options.documentKiB) KiB, one of \(options.largeMiB) MiB"
)
print("work folder: \(work.path)\n")

// Inputs shared by every contender.
let pki = try TestPKI()
let code = "000.00.00.H53"
let signer = try pki.signer(code: code, name: "Ủy ban nhân dân tỉnh Thái Bình")
let sidecarPath = try work.write("sidecar.json", Fixtures.sidecar())
let document = try SidecarParser().parse(Array(Fixtures.sidecar().utf8))
try FileManager.default.createDirectory(atPath: work.file("docs"), withIntermediateDirectories: true)
let documents = try (0..<options.documents).map { index -> String in
    let path = work.file(String(format: "docs/%05d.pdf", index))
    try fill(path, bytes: options.documentKiB * 1024)
    return path
}

// 1. The shell pipeline: hash, write metadata, sign it, tar the bag — one document at a time.
try FileManager.default.createDirectory(atPath: work.file("shell-out"), withIntermediateDirectories: true)
let pipeline = """
    set -e
    cd '\(work.path)'
    for doc in docs/*.pdf; do
      id=$(basename "$doc" .pdf)
      bag="shell-work/$id"
      mkdir -p "$bag/data"
      ln "$doc" "$bag/data/$id.pdf"
      hash=$(sha256sum "$doc" | cut -d' ' -f1)
      echo "$hash  data/$id.pdf" > "$bag/manifest-sha256.txt"
      printf '{"packetId":"%s","files":[{"name":"%s.pdf","sha256":"%s"}]}\\n' "$id" "$id" "$hash" > "$bag/metadata.json"
      openssl cms -sign -binary -in "$bag/metadata.json" -signer '\(signer.certificatePath)' -inkey '\(signer.keyPath)' \\
        -outform DER -out "$bag/metadata.json.p7s"
      bsdtar -cf "shell-out/$id.tar" -C shell-work "$id"
    done
    """
var shellResult: ProcessResult?
let shellSeconds = options.inProcessOnly ? .nan : try time { shellResult = try shell(pipeline) }

// 2. LienThong in one process, as the daemon packs: same work, no fsync (like the shell).
let builder = PacketBuilder(
    sender: PacketSender(organId: AgencyCode(code)!, organName: "Ủy ban nhân dân tỉnh Thái Bình"),
    signer: try CMSSigner(key: signer.key, certificate: signer.certificate))
try FileManager.default.createDirectory(atPath: work.file("lt-out"), withIntermediateDirectories: true)
let librarySeconds = try time {
    for (index, path) in documents.enumerated() {
        let output = try FileDescriptor.open(work.file("lt-out/\(index).tar"), O_WRONLY | O_CREAT | O_TRUNC)
        _ = try builder.build(document: document, sources: [PacketSource(path: path)], into: output)
        try output.close()
    }
}

// 3. The same, fully durable: each packet fsync'd and renamed into place, its folder fsync'd.
try FileManager.default.createDirectory(atPath: work.file("lt-durable"), withIntermediateDirectories: true)
let durableSeconds = try time {
    for (index, path) in documents.enumerated() {
        try Durable.writeFile(at: work.file("lt-durable/\(index).tar")) { output in
            _ = try builder.build(document: document, sources: [PacketSource(path: path)], into: output)
        }
    }
}

// 4. `lienthong pack` as a command, one process per document (what a script calling our CLI pays).
let binary = Project.file(".build/release/lienthong")
var cliSeconds: Double?
var cliPeak = 0
if FileManager.default.isExecutableFile(atPath: binary), !options.inProcessOnly {
    try FileManager.default.createDirectory(atPath: work.file("cli-out"), withIntermediateDirectories: true)
    cliSeconds = try time {
        for (index, path) in documents.enumerated() {
            let result = try ProcessRunner.run(
                binary,
                [
                    "pack", path, "--metadata", sidecarPath, "--from", code, "--key", signer.keyPath,
                    "--cert", signer.certificatePath, "-o", work.file("cli-out/\(index).tar"),
                ])
            guard result.status == 0 else {
                throw ProcessError.spawn("lienthong pack: \(result.stderr)", result.status)
            }
            cliPeak = max(cliPeak, result.maxResidentBytes)
        }
    }
}

let count = Double(options.documents)
print("Small documents (\(options.documents) × \(options.documentKiB) KiB)           packets/s   × shell")
func row(_ label: String, _ seconds: Double) {
    print(
        label.padding(toLength: 48, withPad: " ", startingAt: 0)
            + String(format: "%9.1f   %6.1f×", count / seconds, shellSeconds / seconds))
}
row("shell: sha256sum + openssl cms + bsdtar", shellSeconds)
row("lienthong, in process (no fsync, as shell)", librarySeconds)
row("lienthong, in process, durable (fsync+rename)", durableSeconds)
if let cliSeconds {
    row("lienthong pack, one process per document", cliSeconds)
} else {
    print("(build with `swift build -c release` to also time `lienthong pack` per document)")
}

// The large document: pack streams it once through SHA-256 into the archive.
let large = work.file("large.bin")
try fill(large, bytes: options.largeMiB << 20)
_ = try shell("cat '\(large)' > /dev/null")  // both contenders read from the page cache
var hashResult: ProcessResult?
let hashSeconds = try time { hashResult = try shell("sha256sum '\(large)'") }
let largeOut = work.file("large.tar")
let packSeconds = try time {
    let output = try FileDescriptor.open(largeOut, O_WRONLY | O_CREAT | O_TRUNC)
    _ = try builder.build(document: document, sources: [PacketSource(path: large)], into: output)
    try output.close()
}
let verifier = PacketVerifier(trust: try TrustStore.load(anchorPaths: [pki.rootPath]))
var valid = false
let verifySeconds = try time { valid = try verifier.verify(path: largeOut).valid }
let megabytes = Double(options.largeMiB) * 1.048576
print("\nLarge document (\(options.largeMiB) MiB)                          MB/s   × sha256sum")
print(
    String(
        format: "%@%9.0f   %6.2f×", "sha256sum (hash only)".padding(toLength: 48, withPad: " ", startingAt: 0),
        megabytes / hashSeconds, 1.0))
print(
    String(
        format: "%@%9.0f   %6.2f×",
        "lienthong pack (hash + archive + sign)".padding(toLength: 48, withPad: " ", startingAt: 0),
        megabytes / packSeconds, hashSeconds / packSeconds))
print(
    String(
        format: "%@%9.0f   %6.2f×",
        "lienthong verify (stream + hash + check)".padding(toLength: 48, withPad: " ", startingAt: 0),
        megabytes / verifySeconds, hashSeconds / verifySeconds))
precondition(valid, "the large packet did not verify")

print("\nPeak memory")
print(
    "  this process (all in-process runs, \(options.largeMiB) MiB file included): \(mib(BenchmarkTools.peakResidentBytes()))"
)
if cliSeconds != nil { print("  lienthong pack, largest of \(options.documents) runs:                \(mib(cliPeak))") }
print("  shell pipeline, largest child:                               \(mib(shellResult?.maxResidentBytes ?? 0))")
print("  sha256sum:                                                   \(mib(hashResult?.maxResidentBytes ?? 0))")
