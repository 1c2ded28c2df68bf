import Foundation
import TestSupport

// Backup benchmark: `lienthong backup create` of an office of 10,000 packets — its time and peak memory — against
// what an admin would otherwise run on the same spool in the same run: `cp -al` of the archive plus `sqlite3
// .backup` of the index (a hard-linked copy and SQLite's own online backup, neither verified nor signed). Then the
// next, incremental backup after 100 more packets, against the same baseline again.
//
//   swift build -c release && .build/release/lienthong-backup-bench [--packets 10000] [--document-kib 20]
#if canImport(Glibc)
import Glibc
#endif

var packets = 10_000
var documentKiB = 20
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--packets": packets = Int(arguments.next() ?? "") ?? packets
    case "--document-kib": documentKiB = Int(arguments.next() ?? "") ?? documentKiB
    default:
        print("usage: lienthong-backup-bench [--packets N] [--document-kib K]")
        exit(2)
    }
}

let release = Project.file(".build/release/lienthong")
let binary = FileManager.default.isExecutableFile(atPath: release) ? release : Project.file(".build/debug/lienthong")
guard FileManager.default.isExecutableFile(atPath: binary) else {
    print("build first: swift build -c release")
    exit(2)
}

let agencies = ["000.00.00.H53", "000.00.01.H53", "000.00.02.H53", "000.00.03.H53"]
let work = TemporaryDirectory("lienthong-backup-bench")
let spool = work.file("Spool")
print("LienThong backup benchmark — \(packets) packets of \(documentKiB) KiB, binary \(binary)")
print("work folder: \(work.path)\n")
let initialised = try ProcessRunner.run(binary, ["init", "--spool", spool, "--demo"])
guard initialised.status == 0 else { throw ProcessError.spawn("init: \(initialised.stderr)", initialised.status) }
try """
watch: { mode: poll, pollInterval: 100ms, settle: 0ms }
archive: { format: tar }
""".write(toFile: spool + "/office.yaml", atomically: true, encoding: .utf8)

/// Drops `count` documents (numbered from `first`) and lets `watch --once` pack and deliver them, in batches.
@MainActor func office(from first: Int, count: Int) throws {
    var next = first
    while next < first + count {
        let batch = min(2000, first + count - next)
        for index in next..<(next + batch) {
            let sender = agencies[index % agencies.count]
            let to = [agencies[(index + 1) % agencies.count]]
            let name = String(format: "vb-%06d", index)
            try BenchmarkTools.fill(
                spool + "/agencies/\(sender)/outbox/\(name).pdf", bytes: documentKiB * 1024,
                prefix: Array("%PDF-1.7\n".utf8), suffix: Array("\n%%EOF\n".utf8))
            try Fixtures.sidecar(to: to, number: "\(index + 1)").write(
                toFile: spool + "/agencies/\(sender)/outbox/\(name).json", atomically: false, encoding: .utf8)
        }
        let once = try ProcessRunner.run(binary, ["watch", "--spool", spool, "--once"], timeout: 3600)
        guard once.status == 0 else { throw ProcessError.spawn("watch --once: \(once.stderr)", once.status) }
        next += batch
    }
}

let making = try BenchmarkTools.time { try office(from: 0, count: packets) }
print(String(format: "the office: %d packets packed and delivered in %.1f s", packets, making))
_ = try BenchmarkTools.shell("sync")

/// The baseline: `cp -al` of the archive and `sqlite3 .backup` of the index into `folder`.
@MainActor func baseline(_ folder: String) throws -> BenchmarkTools.Measured {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let copy = try BenchmarkTools.measure("cp", ["-al", spool + "/archive", folder + "/archive"])
    let index = try BenchmarkTools.measure(
        "sqlite3", [spool + "/state/index.sqlite", ".backup '\(folder)/index.sqlite'"])
    // On disk, as a backup must be (LienThong fsyncs what it writes; the baseline's `sync` counts too).
    let synced = try BenchmarkTools.measure("sync", [])
    return BenchmarkTools.Measured(
        seconds: copy.seconds + index.seconds + synced.seconds,
        peakBytes: max(copy.peakBytes, index.peakBytes, synced.peakBytes))
}

func report(_ what: String, _ ours: BenchmarkTools.Measured, _ base: BenchmarkTools.Measured) {
    print(
        String(
            format:
                "%@: %.2f s, peak %@ — baseline (cp -al + sqlite3 .backup + sync) %.2f s, peak %@ — time ×%.2f, memory ×%.2f",
            what, ours.seconds, BenchmarkTools.mebibytes(ours.peakBytes), base.seconds,
            BenchmarkTools.mebibytes(base.peakBytes), ours.seconds / base.seconds,
            Double(ours.peakBytes) / Double(base.peakBytes)))
}

let backups = work.file("backups")
try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
_ = try BenchmarkTools.shell("sync")  // each measured step starts with nothing left to write back
let base1 = try baseline(work.file("baseline-1"))
let full = try BenchmarkTools.measure(binary, ["backup", "create", "--to", backups, "--spool", spool])
report("first backup (every archive file copied and hashed)", full, base1)

try office(from: packets, count: 100)
sleep(1)  // backups are named by the second
_ = try BenchmarkTools.shell("sync")
let base2 = try baseline(work.file("baseline-2"))
let incremental = try BenchmarkTools.measure(binary, ["backup", "create", "--to", backups, "--spool", spool])
report("next backup after 100 packets (hard-linked)", incremental, base2)
let verify = try BenchmarkTools.measure(
    binary,
    [
        "backup", "verify",
        backups + "/"
            + (try FileManager.default.contentsOfDirectory(atPath: backups)
                .filter { $0.hasPrefix("lienthong-backup-") }.sorted().last ?? ""),
    ])
print(
    String(
        format: "backup verify of the last: %.2f s, peak %@", verify.seconds, BenchmarkTools.mebibytes(verify.peakBytes)
    ))
try? FileManager.default.removeItem(atPath: work.path)
