import DurableIO
import Foundation
import Intake
import Packets
import Spool

extension AgencyRoster {
    /// Puts the closed-outbox notice into the outbox of every agency that retired by `now` (and takes it away where
    /// a retirement was withdrawn): its clerks read that the outbox is closed, since when and where to send instead.
    func closeRetiredOutboxes(now: Date, timeZone: TimeZone) {
        let directory = self.directory
        for (code, agency) in agencies {
            let path = spool.outbox(code) + "/" + WaitingNotice.closedName
            guard let retirement = agency.retirement, retirement.isEffective(at: now) else {
                if FileSystem.exists(RawPath(path)) { unlink(path) }
                continue
            }
            let text = RetiredOutbox.text(code, directory, retirement: retirement, timeZone: timeZone)
            let bytes = Array(text.utf8)
            if let current = try? Durable.readSmallFile(path, limit: 1 << 16), current == bytes { continue }
            guard FileSystem.exists(RawPath(spool.outbox(code))) else { continue }
            do {
                try Durable.writeFile(at: path, bytes: bytes, replace: true)
                logger.info("outbox closed: the agency retired", metadata: ["agency": "\(code)"])
            } catch {
                report("closed \(code)", "cannot write the closed-outbox notice: \(error)", code)
            }
        }
    }
}

/// The closed-outbox notice's text.
enum RetiredOutbox {
    static func text(_ code: AgencyCode, _ directory: AgencyDirectory, retirement: Retirement, timeZone: TimeZone)
        -> String
    {
        let name = directory.agencies[code]?.name ?? code.rawValue
        let when = Timestamp.vietnamese(retirement.at, in: timeZone)
        let successor = directory.addressee(code, at: retirement.at.addingTimeInterval(1))
        let successorName = successor.flatMap { directory.agencies[$0]?.name }
        var lines = [
            "HỘP THƯ ĐI ĐÃ ĐÓNG — LienThong",
            "\(name) (mã \(code)) đã ngừng hoạt động từ \(when).",
        ]
        if let successor {
            lines += [
                "Cơ quan kế thừa: \(successorName ?? "") (mã \(successor)). Văn bản gửi tới mã \(code) được chuyển cho cơ quan kế thừa.",
                "Gửi văn bản mới từ hộp thư đi của cơ quan kế thừa: agencies/\(successor)/outbox.",
            ]
        } else {
            lines.append("Không có cơ quan kế thừa.")
        }
        lines += [
            "Tệp đặt vào thư mục này sẽ được trả lại trong thư mục rejected/ kèm lý do.", "", "---",
            "OUTBOX CLOSED — LienThong",
            "\(name) (\(code)) retired at \(Timestamp.string(retirement.at, in: timeZone)).",
        ]
        if let successor {
            lines += [
                "Successor: \(successorName ?? "") (\(successor)); documents addressed to \(code) go to it.",
                "Send new documents from the successor's outbox: agencies/\(successor)/outbox.",
            ]
        } else {
            lines.append("It has no successor.")
        }
        lines += ["Files put here are returned to rejected/ with the reason.", ""]
        return lines.joined(separator: "\n").precomposedNFC
    }
}
