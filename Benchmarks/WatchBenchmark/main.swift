import Foundation
import Packets
import TestSupport

// Watcher benchmark: `lienthong watch --once` on 1,000 drops of 100 KiB, fully durable, against a shell script
// doing the same work per file (hash, metadata, openssl cms -sign, bsdtar, deliver to two inboxes, fsync, file
// the original); then drop-to-archived latency under inotify with the daemon running.
//
//   swift build -c release && .build/release/lienthong-watch-bench [--documents 1000] [--document-kib 100] [--latency-drops 200]
#if canImport(Glibc)
import Glibc
#endif

var documents = 1000
var documentKiB = 100
var latencyDrops = 200
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--documents": documents = Int(arguments.next() ?? "") ?? documents
    case "--document-kib": documentKiB = Int(arguments.next() ?? "") ?? documentKiB
    case "--latency-drops": latencyDrops = Int(arguments.next() ?? "") ?? latencyDrops
    default:
        print("usage: lienthong-watch-bench [--documents N] [--document-kib K] [--latency-drops M]")
        exit(2)
    }
}

let binary = Project.file(".build/release/lienthong")
guard FileManager.default.isExecutableFile(atPath: binary) else {
    print("build the release binary first: swift build -c release")
    exit(2)
}
let agencies = ["000.00.00.H53", "000.00.01.H53", "000.00.02.H53", "000.00.03.H53"]
func route(_ index: Int) -> (String, [String]) {
    let sender = index % agencies.count
    return (agencies[sender], [agencies[(sender + 1) % agencies.count], agencies[(sender + 2) % agencies.count]])
}

func makeSpool(_ root: String) throws {
    let result = try ProcessRunner.run(binary, ["init", "--spool", root, "--demo"])
    guard result.status == 0 else { throw ProcessError.spawn("init: \(result.stderr)", result.status) }
    try """
    watch: { mode: inotify, pollInterval: 100ms, settle: 100ms, rescanInterval: 30s }
    archive: { format: tar }
    """.write(toFile: root + "/office.yaml", atomically: true, encoding: .utf8)
}

let work = TemporaryDirectory("lienthong-watch-bench")
print(
    "LienThong watcher benchmark — \(documents) drops of \(documentKiB) KiB, each to 2 recipients; latency over \(latencyDrops) drops"
)
print("work folder: \(work.path)\n")

// The same inputs for both contenders.
let spool = work.file("Spool")
try makeSpool(spool)
let shellIn = work.file("shell/in")
try FileManager.default.createDirectory(atPath: shellIn, withIntermediateDirectories: true)
var routes = ""
for index in 0..<documents {
    let (sender, to) = route(index)
    let name = String(format: "vb-%05d", index)
    let document = spool + "/agencies/\(sender)/outbox/\(name).pdf"
    try BenchmarkTools.fill(
        document, bytes: documentKiB * 1024, prefix: Array("%PDF-1.7\n".utf8), suffix: Array("\n%%EOF\n".utf8))
    try FileManager.default.copyItem(atPath: document, toPath: shellIn + "/\(name).pdf")
    try Fixtures.sidecar(to: to, number: "\(index + 1)").write(
        toFile: spool + "/agencies/\(sender)/outbox/\(name).json", atomically: false, encoding: .utf8)
    routes += "\(name) \(sender) \(to[0]) \(to[1])\n"
}
try routes.write(toFile: work.file("shell/routes.txt"), atomically: true, encoding: .utf8)
_ = try BenchmarkTools.shell("sync")

// 1. lienthong watch --once.
var once: ProcessResult?
let onceSeconds = try BenchmarkTools.time {
    once = try ProcessRunner.run(binary, ["watch", "--spool", spool, "--once"])
}
guard once?.status == 0 else {
    print(once?.output ?? "")
    exit(1)
}
let inboxFolders = agencies.map {
    (try? FileManager.default.contentsOfDirectory(atPath: spool + "/agencies/\($0)/inbox"))?.filter {
        !$0.hasPrefix(".")
    }.count ?? 0
}.reduce(0, +)
guard inboxFolders == 2 * documents else {
    print("only \(inboxFolders) deliveries of \(2 * documents)")
    exit(1)
}

// 2. The shell doing the same work per file, as durably: fsync (sync FILE…) of everything it writes.
let shellKey = spool + "/state/keys/\(agencies[0]).pem"
let shellCert = spool + "/agencies/\(agencies[0])/certificate.pem"
let script = """
    set -e
    cd '\(work.file("shell"))'
    mkdir -p work archive sent
    while read name sender first second; do
      bag="work/$name"
      mkdir -p "$bag/data"
      cp "in/$name.pdf" "$bag/data/"
      hash=$(sha256sum "in/$name.pdf" | cut -d' ' -f1)
      echo "$hash  data/$name.pdf" > "$bag/manifest-sha256.txt"
      printf '{"packetId":"%s","from":"%s","to":["%s","%s"],"files":[{"name":"%s.pdf","sha256":"%s"}]}\\n' \\
        "$name" "$sender" "$first" "$second" "$name" "$hash" > "$bag/metadata.json"
      openssl cms -sign -binary -in "$bag/metadata.json" -signer '\(shellCert)' -inkey '\(shellKey)' -outform DER -out "$bag/metadata.json.p7s"
      bsdtar -cf "archive/$name.tar" -C work "$name"
      sync "archive/$name.tar"
      for recipient in "$first" "$second"; do
        inbox="inbox/$recipient/$name"
        mkdir -p "$inbox"
        cp "in/$name.pdf" "$bag/metadata.json" "$bag/metadata.json.p7s" "archive/$name.tar" "$inbox/"
        sync "$inbox"/* "$inbox"
      done
      mv "in/$name.pdf" sent/
    done < routes.txt
    """
let shellSeconds = try BenchmarkTools.time { try BenchmarkTools.shell(script) }

print("Drops to delivered packets (\(documents) × \(documentKiB) KiB, 2 recipients each)   packets/s   × shell")
let count = Double(documents)
@MainActor func row(_ label: String, _ seconds: Double) {
    print(
        label.padding(toLength: 62, withPad: " ", startingAt: 0)
            + String(format: "%9.1f   %6.1f×", count / seconds, shellSeconds / seconds))
}
row("shell: sha256sum, openssl cms, bsdtar, cp, sync, per file", shellSeconds)
row("lienthong watch --once (durable, start-up and settle included)", onceSeconds)
print("  peak memory of lienthong watch --once: \(BenchmarkTools.mebibytes(once?.maxResidentBytes ?? 0))")

// 3. Latency under inotify: the daemon runs, drops arrive one by one.
let latencySpool = work.file("Latency")
try makeSpool(latencySpool)
let daemon = try BackgroundProcess(binary, ["watch", "--spool", latencySpool], logPath: work.file("latency.log"))
usleep(500_000)
var dropped: [String: Date] = [:]
for index in 0..<latencyDrops {
    let (sender, to) = route(index)
    let name = String(format: "tr-%05d", index)
    let outbox = latencySpool + "/agencies/\(sender)/outbox/"
    try BenchmarkTools.fill(
        outbox + "\(name).pdf", bytes: documentKiB * 1024, prefix: Array("%PDF-1.7\n".utf8),
        suffix: Array("\n%%EOF\n".utf8))
    try Fixtures.sidecar(to: to, number: "\(index + 1)").write(
        toFile: outbox + "\(name).json", atomically: true, encoding: .utf8)
    dropped["\(sender)/\(index + 1)"] = Date()
    usleep(25_000)
}
let journalPath = latencySpool + "/state/journal.jsonl"
func packedRecords() -> [[String: Any]] {
    ((try? String(contentsOfFile: journalPath, encoding: .utf8)) ?? "").split(separator: "\n")
        .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { ($0["event"] as? String) == "packed" }
}
let deadline = Date().addingTimeInterval(120)
while packedRecords().count < latencyDrops, Date() < deadline { usleep(100_000) }
daemon.send(SIGTERM)
_ = daemon.wait(timeout: 30)
var latencies: [Double] = []
for record in packedRecords() {
    guard let sender = record["sender"] as? String, let number = record["codeNumber"] as? String,
        let at = (record["at"] as? String).flatMap(Timestamp.parse), let start = dropped["\(sender)/\(number)"]
    else { continue }
    latencies.append(at.timeIntervalSince(start) * 1000)
}
print("\nDrop-to-archived latency under inotify (\(latencies.count) drops, 25 ms apart, settle 100 ms)")
print(
    String(
        format: "  p50 %.0f ms   p99 %.0f ms   max %.0f ms", BenchmarkTools.percentile(latencies, 0.5),
        BenchmarkTools.percentile(latencies, 0.99), latencies.max() ?? .nan))
print("  (the settle time is part of every latency: a file is taken only once it has stopped changing)")
