import Foundation
import Ledger
import Packets

/// What the packet page shows: metadata, files, the delivery and receipt trail.
enum PacketPage {
    static func values(_ record: ArchiveRecord, names: [String: String]) -> [String: Any] {
        let hit = record.hit
        func agency(_ code: String) -> String { names[code].map { "\($0) (\(code))" } ?? code }
        func when(_ stamp: String) -> String { Timestamp.parse(stamp).map { Timestamp.vietnamese($0) } ?? stamp }
        let legal = DocumentLegalValue.byName(record.arrivals)
        return [
            "packetId": hit.packetId, "verifyAction": WebPaths.packet(hit.packetId) + "/kiem-tra",
            "number": hit.numberAndNotation, "issuedDate": Self.day(hit.issuedDate), "typeName": hit.typeName,
            "subject": hit.subject,
            "signer": hit.signer, "sender": agency(hit.sender), "recipients": hit.recipients.map(agency),
            "priority": Priority(rawValue: hit.priority)?.label ?? hit.priority,
            "urgent": hit.priority != Priority.thuong.rawValue,
            "secret": SecrecyMark.mark(hit.secrecy) ?? "", "packedAt": when(hit.packedAt),
            "archivePath": record.archivePath,
            "sha256": record.sha256 ?? "", "completed": record.completed,
            "files": record.files.map { file in
                [
                    "name": file.name, "link": WebPaths.file(hit.packetId, file.name), "size": sizeText(file.size),
                    "mediaType": file.mediaType, "sha256": file.sha256,
                    "legal": legal[file.name.precomposedNFC]?.values as Any,
                ] as [String: Any]
            },
            "deliveries": record.deliveries.map { ["agency": agency($0.agency), "at": when($0.at), "path": $0.path] },
            "arrivals": record.arrivals.map { arrival in
                [
                    "agency": agency(arrival.agency), "number": "\(arrival.number)/\(arrival.year)",
                    "series": arrival.series == "mat" ? "sổ văn bản mật" : "sổ văn bản thường",
                    "at": when(arrival.registeredAt), "late": arrival.late, "paper": arrival.medium == "paper",
                ] as [String: Any]
            },
            "statuses": record.statuses.map { status in
                [
                    "agency": agency(status.agency), "code": status.code, "label": statusLabel(status.code),
                    "at": when(status.at),
                    "reason": status.reason ?? "", "late": status.late,
                ] as [String: Any]
            },
            "refusals": record.refusals.map {
                ["agency": agency($0.agency), "at": when($0.at), "reason": $0.reason, "message": $0.message]
            },
            "has_deliveries": !record.deliveries.isEmpty, "has_arrivals": !record.arrivals.isEmpty,
            "has_statuses": !record.statuses.isEmpty, "has_refusals": !record.refusals.isEmpty,
            "lastVerification": record.lastVerification.map { check in
                [
                    "valid": check.result == "valid", "at": when(check.at),
                    "text": check.result == "valid" ? "hợp lệ" : "KHÔNG HỢP LỆ (\(check.result)) \(check.detail)",
                ] as [String: Any]
            } as Any,
            "hasTrail":
                !(record.deliveries.isEmpty && record.arrivals.isEmpty && record.statuses.isEmpty
                && record.refusals.isEmpty),
        ]
    }

    /// `2026-11-20` as clerks write it: `20/11/2026`.
    static func day(_ iso: String) -> String { CalendarDate(iso: iso)?.vietnamese ?? iso }

    /// edXML (QCVN 102:2016) status codes in words.
    static func statusLabel(_ code: String) -> String {
        switch code {
        case "01": "01 — Đã đến"
        case "02": "02 — Từ chối tiếp nhận"
        case "03": "03 — Đã tiếp nhận, vào sổ"
        default: code
        }
    }

    /// A size for people: 1,2 MB, 35 kB, 800 B.
    static func sizeText(_ bytes: Int64) -> String {
        if bytes >= 1_000_000 {
            return String(format: "%.1f MB", Double(bytes) / 1_000_000).replacingOccurrences(of: ".", with: ",")
        }
        if bytes >= 1_000 { return "\(bytes / 1_000) kB" }
        return "\(bytes) B"
    }
}
