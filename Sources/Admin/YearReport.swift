import Fallback
import Foundation
import Ledger
import Packets
import Registers
import Spool
import WorkingTime

/// `lienthong report year YYYY`: the office's figures of a year, per agency, as Decision 17/2019 Art 12.7 asks them
/// reported to the provincial People's Committee — documents sent (on time or late, Art 4.2) and received, the time
/// from arrival to registration, refusals and returns by reason, outages with their working time, documents carried
/// on paper. From the index and the paper fallback log; as CSV, JSON, or a printable A4 page with SVG charts.
public struct YearReport: Sendable {
    /// One agency's line.
    public struct Row: Sendable {
        public var agency: String
        public var name: String
        public var sent = 0
        public var onTime = 0
        public var late = 0
        public var received = 0
        public var receivedOnPaper = 0
        /// From delivery into the inbox to registration, over the electronic arrivals (milliseconds).
        public var meanRegistrationMilliseconds: Int64?
        public var maxRegistrationMilliseconds: Int64?
        public var refused: [String: Int] = [:]
        public var returned: [String: Int] = [:]
        /// Outage incidents of its route that began in the year, and their working time.
        public var outages = 0
        public var outageWorkingSeconds: Double = 0
        /// Documents to it entered into the paper log in the year, and those recorded as handed over on paper.
        public var paperLogged = 0
        public var paperHandedOver = 0
    }

    public let year: Int
    public var rows: [Row]
    /// Incidents of the office itself (not running while documents waited).
    public var officeOutages = 0
    public var officeOutageWorkingSeconds: Double = 0

    /// The figures of `year`.
    public static func make(
        year: Int, spool: SpoolLayout, config: OfficeConfig, index: LedgerIndex, directory: AgencyDirectory
    ) throws -> YearReport {
        let calendar = WorkingCalendar(config.calendar)
        let figures = try index.yearFigures(year)
        let codes = Set(directory.agencies.keys.map(\.rawValue)).union(figures.keys).sorted()
        var rows: [String: Row] = [:]
        for code in codes {
            var row = Row(
                agency: code, name: AgencyCode(code).flatMap { directory.agencies[$0]?.name } ?? "")
            let facts = figures[code] ?? YearFigures()
            row.sent = facts.sent.count
            for sent in facts.sent {
                guard let issued = CalendarDate(iso: sent.issuedDate), let at = Timestamp.parse(sent.packedAt) else {
                    continue
                }
                if at > calendar.sendingDeadline(issued: issued) { row.late += 1 } else { row.onTime += 1 }
            }
            row.received = facts.received.count
            row.receivedOnPaper = facts.received.filter { $0.paper }.count
            let waits: [Int64] = facts.received.compactMap { arrival in
                guard !arrival.paper, let delivered = arrival.deliveredAt.flatMap(Timestamp.parse),
                    let registered = Timestamp.parse(arrival.registeredAt)
                else { return nil }
                return Int64((registered.timeIntervalSince(delivered) * 1000).rounded())
            }
            if !waits.isEmpty {
                let sum = waits.reduce(0, +)
                row.meanRegistrationMilliseconds = sum >= 0 ? sum / Int64(waits.count) : -((-sum) / Int64(waits.count))
                row.maxRegistrationMilliseconds = waits.max()
            }
            row.refused = facts.refused
            row.returned = facts.returned
            rows[code] = row
        }
        var report = YearReport(year: year, rows: [])
        let log = FallbackLog(directory: config.outage.fallbackPath(spool))
        let state = FallbackState((try? log.readAll()) ?? [])
        let timeZone = config.calendar.timeZone
        func inYear(_ date: Date) -> Bool { CalendarDate(date, in: timeZone).year == year }
        for incident in state.incidents where inYear(incident.since) {
            let seconds = incident.workingSeconds ?? 0
            if incident.cause == "office" {
                report.officeOutages += 1
                report.officeOutageWorkingSeconds += seconds
                continue
            }
            for route in Set(incident.routes) {
                rows[route, default: Row(agency: route, name: "")].outages += 1
                rows[route, default: Row(agency: route, name: "")].outageWorkingSeconds += seconds
            }
        }
        for entry in state.entries where inYear(entry.addedAt) {
            let code = entry.document.recipient
            rows[code, default: Row(agency: code, name: entry.document.recipientName)].paperLogged += 1
            if entry.handover != nil { rows[code]!.paperHandedOver += 1 }
        }
        report.rows = rows.keys.sorted().map { rows[$0]! }
        return report
    }

    /// The CSV columns.
    public static let headings = [
        "Mã cơ quan", "Tên cơ quan", "Văn bản đi", "Gửi đúng hạn", "Gửi muộn", "Văn bản đến", "Đến bằng bản giấy",
        "Từ khi đến tới khi vào sổ, trung bình (phút)", "Dài nhất (phút)", "Từ chối khi nhận", "Trả lại văn thư",
        "Sự cố", "Thời gian sự cố (giờ làm việc)", "Vào sổ chuyển giao giấy", "Đã chuyển bản giấy",
        "Lý do từ chối", "Lý do trả lại",
    ]

    static func minutes(_ milliseconds: Int64?) -> String {
        milliseconds.map { String(format: "%.1f", Double($0) / 60_000) } ?? ""
    }

    static func hours(_ seconds: Double) -> String { String(format: "%.2f", seconds / 3600) }

    static func reasons(_ counts: [String: Int]) -> String {
        counts.keys.sorted().map { "\($0): \(counts[$0]!)" }.joined(separator: "; ")
    }

    func cells(_ row: Row) -> [String] {
        [
            row.agency, row.name, "\(row.sent)", "\(row.onTime)", "\(row.late)", "\(row.received)",
            "\(row.receivedOnPaper)", Self.minutes(row.meanRegistrationMilliseconds),
            Self.minutes(row.maxRegistrationMilliseconds), "\(row.refused.values.reduce(0, +))",
            "\(row.returned.values.reduce(0, +))", "\(row.outages)", Self.hours(row.outageWorkingSeconds),
            "\(row.paperLogged)", "\(row.paperHandedOver)", Self.reasons(row.refused), Self.reasons(row.returned),
        ]
    }

    /// The report as CSV (UTF-8 with a byte order mark), one line per agency and one for the office itself.
    public func csv() -> [UInt8] {
        var rows = self.rows.map(cells)
        var office = Array(repeating: "", count: Self.headings.count)
        office[1] = "Văn phòng điện tử (hệ thống ngừng hoạt động)"
        office[11] = "\(officeOutages)"
        office[12] = Self.hours(officeOutageWorkingSeconds)
        rows.append(office)
        return RegisterWriter.csv(headings: Self.headings, rows: rows)
    }

    /// The report as JSON (every figure exact: milliseconds and seconds).
    public func json() -> JSONValue {
        func counts(_ values: [String: Int]) -> JSONValue {
            .object(values.keys.sorted().map { ($0, .integer(Int64(values[$0]!))) })
        }
        return .object([
            ("year", .integer(Int64(year))),
            (
                "agencies",
                .array(
                    rows.map { row in
                        .object([
                            ("agency", .string(row.agency)), ("name", .string(row.name)),
                            ("sent", .integer(Int64(row.sent))), ("onTime", .integer(Int64(row.onTime))),
                            ("late", .integer(Int64(row.late))), ("received", .integer(Int64(row.received))),
                            ("receivedOnPaper", .integer(Int64(row.receivedOnPaper))),
                            (
                                "meanRegistrationMilliseconds",
                                row.meanRegistrationMilliseconds.map(JSONValue.integer) ?? .null
                            ),
                            (
                                "maxRegistrationMilliseconds",
                                row.maxRegistrationMilliseconds.map(JSONValue.integer) ?? .null
                            ),
                            ("refused", counts(row.refused)), ("returned", counts(row.returned)),
                            ("outages", .integer(Int64(row.outages))),
                            ("outageWorkingSeconds", .number(String(format: "%.3f", row.outageWorkingSeconds))),
                            ("paperLogged", .integer(Int64(row.paperLogged))),
                            ("paperHandedOver", .integer(Int64(row.paperHandedOver))),
                        ])
                    })
            ),
            (
                "office",
                .object([
                    ("outages", .integer(Int64(officeOutages))),
                    ("outageWorkingSeconds", .number(String(format: "%.3f", officeOutageWorkingSeconds))),
                ])
            ),
        ])
    }

    /// The report as a printable A4 page (`Templates/year-report.html.mustache`) with SVG bar charts.
    public func html(spool: SpoolLayout) throws -> [UInt8] {
        let template = try PageTemplate.load("year-report.html.mustache", spool: spool)
        let active = rows.filter { $0.sent + $0.received + $0.outages + $0.paperLogged > 0 }
        let values: [String: Any] = [
            "year": year,
            "rows": rows.map { row in
                Dictionary(
                    uniqueKeysWithValues: zip(
                        [
                            "agency", "name", "sent", "onTime", "late", "received", "paper", "mean", "max", "refused",
                            "returned", "outages", "outageHours", "paperLogged", "paperHandedOver", "refusedReasons",
                            "returnedReasons",
                        ], cells(row)))
            },
            "officeOutages": officeOutages, "officeOutageHours": Self.hours(officeOutageWorkingSeconds),
            "traffic": Self.bars(
                active.map { ($0.agency, [Double($0.sent), Double($0.received)]) },
                series: ["Văn bản đi", "Văn bản đến"],
                colours: ["#1f5fa8", "#7aa6d6"]),
            "punctuality": Self.bars(
                active.filter { $0.sent > 0 }.map { ($0.agency, [Double($0.onTime), Double($0.late)]) },
                series: ["Gửi đúng hạn", "Gửi muộn"], colours: ["#2e7d32", "#c62828"]),
            "outageChart": Self.bars(
                active.filter { $0.outages > 0 }.map { ($0.agency, [$0.outageWorkingSeconds / 3600]) },
                series: ["Giờ làm việc bị sự cố"], colours: ["#ef6c00"]),
        ]
        return Array(template.render(values).precomposedStringWithCanonicalMapping.utf8)
    }

    /// A horizontal grouped bar chart as inline SVG (no script): one group per label, one bar per series.
    static func bars(_ groups: [(String, [Double])], series: [String], colours: [String]) -> String {
        guard !groups.isEmpty else { return "<p class=\"trong\">Không có số liệu.</p>" }
        let barHeight = 12.0
        let gap = 10.0
        let labelWidth = 120.0
        let width = 640.0
        let maximum = max(1, groups.flatMap(\.1).max() ?? 1)
        let groupHeight = Double(series.count) * barHeight + gap
        let height = Double(groups.count) * groupHeight + 30
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bieu-do\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        for (position, group) in groups.enumerated() {
            let top = Double(position) * groupHeight
            svg += "<text x=\"0\" y=\"\(top + barHeight)\" font-size=\"10\">\(escape(group.0))</text>"
            for (index, value) in group.1.enumerated() {
                let y = top + Double(index) * barHeight
                let length = (width - labelWidth - 60) * value / maximum
                svg +=
                    "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(String(format: "%.1f", length))\" "
                    + "height=\"\(barHeight - 2)\" fill=\"\(colours[index % colours.count])\"/>"
                let text = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
                svg +=
                    "<text x=\"\(String(format: "%.1f", labelWidth + length + 4))\" y=\"\(y + barHeight - 3)\" font-size=\"9\">\(text)</text>"
            }
        }
        let legendY = height - 12
        for (index, name) in series.enumerated() {
            let x = labelWidth + Double(index) * 160
            svg +=
                "<rect x=\"\(x)\" y=\"\(legendY - 8)\" width=\"10\" height=\"10\" fill=\"\(colours[index % colours.count])\"/>"
            svg += "<text x=\"\(x + 14)\" y=\"\(legendY)\" font-size=\"10\">\(escape(name))</text>"
        }
        return svg + "</svg>"
    }
}
