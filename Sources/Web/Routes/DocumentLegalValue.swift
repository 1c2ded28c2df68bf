import Foundation
import Ledger
import Packets

/// A document's legal value as the packet page shows it: what the recipients' legal check found on arrival
/// (Decision 17/2019 Art 4.1), read from the arrival records (`arrival.legal`: one JSON object per document).
struct DocumentLegalValue: Equatable {
    let signed: Bool
    /// `CÓ GIÁ TRỊ PHÁP LÝ` or `CHỈ CÓ GIÁ TRỊ THAM KHẢO`.
    var mark: String { signed ? "CÓ GIÁ TRỊ PHÁP LÝ" : "CHỈ CÓ GIÁ TRỊ THAM KHẢO" }
    /// The valid signature's signer (its certificate's name).
    let signer: String?
    /// When it was signed, `dd/mm/yyyy HH:mm` in the office's time.
    let signedAt: String?
    /// Why it is for reference only: Vietnamese when the record has it (records before issue 13 have only English).
    let reason: String?

    /// Each document's legal value by name, from the first arrival that recorded one (every recipient checks the
    /// same signed bytes against the same trust store).
    static func byName(_ arrivals: [ArchiveRecord.Arrival], timeZone: TimeZone = Timestamp.vietnam) -> [String: Self] {
        for arrival in arrivals {
            guard let text = arrival.legal, let value = try? JSONParser().parse(Array(text.utf8)),
                let documents = value.arrayValue, !documents.isEmpty
            else { continue }
            var found: [String: Self] = [:]
            for document in documents {
                guard let name = document["name"]?.stringValue, let status = document["status"]?.stringValue else {
                    continue
                }
                let signedAt = document["signedAt"]?.stringValue.flatMap(Timestamp.parse).map {
                    CalendarDate($0, in: timeZone).vietnamese + " " + Timestamp.clock($0, in: timeZone)
                }
                found[name.precomposedNFC] = Self(
                    signed: status == "signed", signer: document["signer"]?.stringValue, signedAt: signedAt,
                    reason: document["reasonVi"]?.stringValue ?? document["reason"]?.stringValue)
            }
            return found
        }
        return [:]
    }

    /// For the template.
    var values: [String: Any] {
        [
            "signed": signed, "mark": mark, "signer": signer ?? "", "hasSigner": signer != nil,
            "signedAt": signedAt ?? "", "hasSignedAt": signedAt != nil, "reason": reason ?? "",
            "hasReason": !signed && reason != nil,
        ]
    }
}
