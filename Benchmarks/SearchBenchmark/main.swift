import DurableIO
import Foundation
import GRDB
import Ledger
import Packets
import TestSupport

// Search benchmark: an archive index of 100,000 generated packets (journal records and archive sidecars, as the
// office writes them), built the way `lienthong archive` builds it (journal catch-up, then the catalog read from
// the sidecars); then search latency p50/p95 over Vietnamese queries typed without accents, against a baseline
// measured in the same run: the same queries as a full scan (LIKE over the same folded text, no FTS index).
//
//   swift build -c release && .build/release/lienthong-search-bench [--packets 100000] [--queries 200]
#if canImport(Glibc)
import Glibc
#endif

var packets = 100_000
var queryCount = 200
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--packets": packets = Int(arguments.next() ?? "") ?? packets
    case "--queries": queryCount = Int(arguments.next() ?? "") ?? queryCount
    default:
        print("usage: lienthong-search-bench [--packets N] [--queries M]")
        exit(2)
    }
}

let agencies: [(String, String)] = [
    ("000.00.00.H53", "Ủy ban nhân dân tỉnh Thái Bình"), ("000.00.01.H53", "Văn phòng Ủy ban nhân dân tỉnh Thái Bình"),
    ("000.00.02.H53", "Sở Nội vụ tỉnh Thái Bình"), ("000.00.03.H53", "Ủy ban nhân dân huyện Đông Hưng"),
    ("000.00.04.H53", "Ủy ban nhân dân huyện Kiến Xương"), ("000.00.05.H53", "Sở Tài chính tỉnh Thái Bình"),
    ("000.00.06.H53", "Sở Giáo dục và Đào tạo tỉnh Thái Bình"), ("000.00.07.H53", "Ủy ban nhân dân huyện Tiền Hải"),
]
let types = ["Quyết định", "Công văn", "Thông báo", "Báo cáo", "Kế hoạch", "Tờ trình", "Chỉ thị", "Giấy mời"]
let notations = ["QĐ-UBND", "UBND-VP", "TB-SNV", "BC-STC", "KH-UBND", "TTr-SGDĐT", "CT-UBND", "GM-VP"]
let topics = [
    "ban hành quy chế quản lý văn bản điện tử", "kiểm tra công tác văn thư lưu trữ", "phòng chống lụt bão năm",
    "tuyển dụng công chức cấp xã", "quyết toán ngân sách địa phương", "xây dựng nông thôn mới", "cải cách hành chính",
    "chuyển đổi số trong cơ quan nhà nước", "bồi dưỡng nghiệp vụ văn thư", "giao chỉ tiêu kế hoạch đầu tư công",
    "thi đua khen thưởng", "đào tạo giáo viên mầm non", "sửa chữa đê điều", "tiêm chủng mở rộng",
    "đất đai và môi trường",
]
let places = [
    "Đông Hưng", "Kiến Xương", "Tiền Hải", "Thái Thụy", "Quỳnh Phụ", "Hưng Hà", "Vũ Thư", "thành phố Thái Bình",
]
let signers = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Đạo", "Phạm Đức Hưng", "Đặng Thu Hà", "Vũ Minh Đức"]
let priorities = ["thuong", "thuong", "thuong", "khan", "thuong-khan", "hoa-toc"]

let directory = TemporaryDirectory("lienthong-search-bench")
let root = directory.path
func sidecar(_ index: Int, id: PacketID) -> (String, LedgerEvent) {
    var random = SystemRandomNumberGenerator()
    let sender = agencies[index % agencies.count]
    let recipient = agencies[(index / agencies.count + 1 + index) % agencies.count]
    let kind = index % types.count
    let subject =
        "Về việc \(topics[Int.random(in: 0..<topics.count, using: &random)]) tại \(places[Int.random(in: 0..<places.count, using: &random)])"
    let issued = String(format: "2026-%02d-%02d", index % 12 + 1, index % 28 + 1)
    let priority = priorities[index % priorities.count]
    let secrecy = index % 50 == 0 ? "\"secrecy\": \"mat\",\n" : ""
    let signer = signers[index % signers.count]
    let json = """
        {
          "schemaVersion": "1.0",
          "packetId": "\(id.rawValue)",
          "codeNumber": "\(index / agencies.count + 1)",
          "codeNotation": "\(notations[kind])",
          "issuedDate": "\(issued)",
          "typeName": "\(types[kind])",
          "subject": "\(subject)",
          "signerInfo": { "position": "Chủ tịch", "fullName": "\(signer)" },
          "from": { "organId": "\(sender.0)", "organName": "\(sender.1)" },
          "to": ["\(recipient.0 == sender.0 ? agencies[(index + 3) % agencies.count].0 : recipient.0)"],
          "priority": "\(priority)",
          \(secrecy)"files": [ { "name": "\(types[kind]) \(index).pdf", "size": 123456, "sha256": "\(String(repeating: "ab", count: 32))", "mediaType": "application/pdf" } ],
          "packedAt": "2026-11-24T10:00:00.000+07:00",
          "signer": { "certificateSha256": "\(String(repeating: "cd", count: 32))", "subject": "CN=\(sender.1)", "issuer": "CN=CA", "serialNumber": "01" }
        }
        """
    let path = "archive/2026/11/\(id.rawValue)"
    let packet = LedgerPacket(
        packetId: id, sender: AgencyCode(sender.0)!, codeNumber: "\(index / agencies.count + 1)",
        codeNotation: notations[kind], issuedDate: issued, typeName: types[kind], subject: subject,
        priority: priority, secrecy: secrecy.isEmpty ? nil : "mat", to: [AgencyCode(recipient.0)!],
        files: ["\(types[kind]) \(index).pdf"], packedAt: "2026-11-24T10:00:00.000+07:00", archive: path + ".tar",
        sha256: String(repeating: "ef", count: 32), size: 200_000)
    return (json, .packed(packet))
}

print("generating \(packets) packets (journal records and archive sidecars) in \(root)")
try FileManager.default.createDirectory(atPath: root + "/archive/2026/11", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: root + "/state", withIntermediateDirectories: true)
let journal = try Journal(path: root + "/state/journal.jsonl")
var batch: [LedgerEvent] = []
let start = Date(timeIntervalSince1970: 1_795_500_000)
for index in 0..<packets {
    let id = PacketID.make(at: start.addingTimeInterval(Double(index) * 0.01))
    let (json, event) = sidecar(index, id: id)
    try Durable.writeUnsynced(at: root + "/archive/2026/11/\(id.rawValue).json", bytes: Array(json.utf8))
    batch.append(event)
    if batch.count == 5000 {
        _ = try journal.append(batch)
        batch.removeAll()
    }
}
if !batch.isEmpty { _ = try journal.append(batch) }

let clock = ContinuousClock()
let names = Dictionary(uniqueKeysWithValues: agencies.map { ($0.0, $0.1) })
var index: LedgerIndex!
var catalogued = 0
let build = try clock.measure {
    index = try LedgerIndex(path: root + "/state/index.sqlite")
    try index.catchUp(with: journal)
    catalogued = try index.syncCatalog(spoolRoot: root, names: names)
}
let buildSeconds = Double(build.components.seconds) + Double(build.components.attoseconds) / 1e18
print(
    String(
        format: "index built: %d packets catalogued in %.1f s (%.0f packets/s)", catalogued, buildSeconds,
        Double(catalogued) / buildSeconds))

let words = [
    "quyet dinh", "cong van", "dong hung", "kien xuong", "van thu", "\"van ban dien tu\"", "ngan sach", "nong thon moi",
    "cai cach hanh chinh", "chuyen doi so", "de dieu", "tien hai", "thai thuy", "khen thuong", "tiem chung",
]
var queries: [ArchiveQuery] = []
for number in 0..<queryCount {
    var query = ArchiveQuery(
        text: words[number % words.count] + (number % 3 == 0 ? " " + words[(number * 7 + 3) % words.count] : ""),
        limit: 20)
    if number % 4 == 1 {
        query.issuedFrom = CalendarDate(iso: "2026-03-01")
        query.issuedTo = CalendarDate(iso: "2026-09-30")
    }
    if number % 5 == 2 { query.agencyScope = [agencies[number % agencies.count].0] }
    if number % 2 == 0 { query.allowedSecrecy = [] }
    queries.append(query)
}

func percentiles(_ samples: [Double]) -> (Double, Double) {
    let sorted = samples.sorted()
    return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))])
}

var found = 0
var searchTimes: [Double] = []
for query in queries {
    let elapsed = try clock.measure { found += try index.search(query).total }
    searchTimes.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
}
// Baseline: the same words found (count and first page) by scanning every row's folded text (LIKE), no full-text index.
var baselineTimes: [Double] = []
var baselineFound = 0
for query in queries.prefix(max(10, queryCount / 10)) {
    let patterns = query.text.replacingOccurrences(of: "\"", with: "").split(separator: " ").map { "%" + $0 + "%" }
    let condition = patterns.map { _ in "t.body LIKE ?" }.joined(separator: " AND ")
    let joins = "FROM packetText t JOIN catalog c ON c.id = t.rowid"
    let elapsed = try clock.measure {
        baselineFound += try index.read { db in
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) \(joins) WHERE \(condition)", arguments: .init(patterns))
                ?? 0
            _ = try Row.fetchAll(
                db, sql: "SELECT c.* \(joins) WHERE \(condition) ORDER BY c.id DESC LIMIT 20",
                arguments: .init(patterns))
            return total
        }
    }
    baselineTimes.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
}
let (p50, p95) = percentiles(searchTimes)
let (b50, b95) = percentiles(baselineTimes)
print(
    String(
        format: "search (FTS5, with filters and count, %d queries, %d hits): p50 %.2f ms, p95 %.2f ms", queries.count,
        found, p50, p95))
print(
    String(
        format: "baseline full scan (LIKE over the same folded text, %d queries): p50 %.1f ms, p95 %.1f ms",
        baselineTimes.count, b50, b95))
print(String(format: "ratio: search is %.0fx faster than the scan at p50 (%.0fx at p95)", b50 / p50, b95 / p95))
try? FileManager.default.removeItem(atPath: root)  // 100,000 sidecars: do not leave them behind
