import Admin
import Foundation
import Packets
import Spool

/// The admin page's table of agencies: each one's state (active, retiring, retired with its successor), its past
/// names and codes, the agencies it succeeded, and when its certificate expires (flagged 30 days ahead).
enum AgencyRows {
    static let expiryWarning: TimeInterval = 30 * 86_400

    /// One row, as the template reads it.
    struct Row: Sendable {
        let code, name, state, certificateExpires: String
        let history: [String]
        let expiring: Bool

        var values: [String: Any] {
            [
                "code": code, "name": name, "state": state, "history": history,
                "certificateExpires": certificateExpires, "expiring": expiring,
            ]
        }
    }

    static func rows(_ spool: SpoolLayout, now: Date) -> [Row] {
        guard let directory = try? AgencyDirectory.load(spool) else { return [] }
        return directory.agencies.keys.sorted { $0.rawValue < $1.rawValue }.compactMap { code in
            guard
                let history = try? AgencyHistory.load(code, directory: directory, spool: spool, actions: false)
            else { return nil }
            var state = "Đang hoạt động"
            if let retirement = history.retirement {
                let when = Timestamp.vietnamese(retirement.at)
                let successor = retirement.successor.map { " — kế thừa: \($0) \(history.successorName ?? "")" } ?? ""
                state = (retirement.isEffective(at: now) ? "Đã ngừng từ \(when)" : "Hẹn ngừng lúc \(when)") + successor
            }
            var lines: [String] = history.formerNames.map {
                "Tên cũ: \($0.name) (đến \(Timestamp.vietnamese($0.until)))"
            }
            lines += history.formerCodes.map { "Mã cũ: \($0)" }
            lines += history.predecessors.map {
                "Kế thừa \($0.code) \($0.name) từ \(Timestamp.vietnamese($0.at))"
            }
            let current = history.certificates.first { $0.role == "current" }
            return Row(
                code: code.rawValue, name: history.name, state: state,
                certificateExpires: current.map { Timestamp.vietnamese($0.notAfter) }
                    ?? (history.certificateRequest == nil ? "không đọc được" : "chờ CA cấp (đã tạo CSR)"),
                history: lines, expiring: current.map { $0.notAfter.timeIntervalSince(now) < expiryWarning } ?? true)
        }
    }
}
