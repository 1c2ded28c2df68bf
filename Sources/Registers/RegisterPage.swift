import Foundation
import Packets
import Spool

/// Which register: the outgoing (sổ văn bản đi) or the incoming (sổ văn bản đến).
public enum RegisterKind: String, Sendable, CaseIterable {
    case outgoing, incoming
}

/// A register as a printable page, from `Templates/register-<kind>.html.mustache` (or the spool's own copy).
public enum RegisterPage {
    /// The page for `rows` (`OutgoingRow.context` or `IncomingRow.context`). `closed` is the register's closing
    /// line, when it has one (the agency retired, or the year closed).
    public static func render(
        _ kind: RegisterKind, secret: Bool, agency: AgencyConfig, year: Int, rows: [[String: Any]],
        closed: String?, spool: SpoolLayout
    ) throws -> [UInt8] {
        let template = try PageTemplate.load("register-\(kind.rawValue).html.mustache", spool: spool)
        let title = "Sổ đăng ký văn bản \(secret ? "mật " : "")\(kind == .outgoing ? "đi" : "đến")"
        var context: [String: Any] = [
            "title": title, "secret": secret, "agency": agency.code.rawValue, "agencyName": agency.name,
            "year": year, "count": rows.count, "rows": rows,
        ]
        if let closed { context["closed"] = closed }
        let html = template.render(context)
        return Array(html.precomposedStringWithCanonicalMapping.utf8)
    }

    /// The closing line of a register whose agency retired by `now`: from then on nothing more is registered
    /// under its code (its successor registers in its own series).
    public static func retirementLine(_ agency: AgencyConfig, spool: SpoolLayout, now: Date) -> String? {
        guard let retirement = agency.retirement, retirement.isEffective(at: now) else { return nil }
        let timeZone = ((try? OfficeConfig.load(spool.officeConfig)) ?? OfficeConfig()).calendar.timeZone
        let when = Timestamp.vietnamese(retirement.at, in: timeZone)
        let successor = retirement.successor.map { code in
            let name = (try? AgencyConfig.load(code, in: spool))?.name ?? ""
            return "; văn bản gửi tới cơ quan này từ đó do \(name) (\(code)) tiếp nhận"
        }
        return "Sổ đã khóa lúc \(when): cơ quan ngừng hoạt động (sáp nhập, giải thể)\(successor ?? "")."
    }
}
