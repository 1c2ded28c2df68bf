import Foundation
import Ledger
import Packets
import Testing

@testable import Web

/// What the pages show (issue 13): dates read and shown as dd/mm/yyyy, each document's legal value and signer.
@Suite struct PageValuesTests {
    @Test func datesAreReadAsVietnamesePagesWriteThem() {
        #expect(SearchRequest.date("01/12/2026") == CalendarDate(year: 2026, month: 12, day: 1))
        #expect(SearchRequest.date("1/2/2026") == CalendarDate(year: 2026, month: 2, day: 1))
        #expect(SearchRequest.date("05-06-2025") == CalendarDate(year: 2025, month: 6, day: 5))
        #expect(SearchRequest.date("2026-11-24") == CalendarDate(year: 2026, month: 11, day: 24), "links made before")
        #expect(SearchRequest.date("31/02/2026") == nil)
        #expect(SearchRequest.date("12/31/2026") == nil, "mm/dd/yyyy is not taken for dd/mm/yyyy")
        #expect(SearchRequest.date("hôm qua") == nil)
    }

    @Test func aDateThatIsNoDateIsSaidSoAndShownBackAsWritten() {
        let search = SearchRequest(query: "from=31%2F02%2F2026&to=2026-12-01")
        #expect(
            search.dateErrors == [
                "Ban hành từ ngày: \"31/02/2026\" không phải ngày hợp lệ. Ghi ngày/tháng/năm, ví dụ 01/12/2026."
            ])
        #expect(search.values["to"] as? String == "01/12/2026")
        #expect(search.query(pageSize: 10).issuedFrom == nil)
    }

    @Test func theLegalValueComesFromTheArrivalRecord() throws {
        let legal = """
            [{"name":"Quyết định 125.pdf","status":"signed","signer":"Nguyễn Văn A","signedAt":"2026-11-24T08:15:00.000+07:00"},\
            {"name":"Phụ lục.docx","status":"reference-only","reason":"Not a PDF with a digital signature.","reasonVi":"Không phải tệp PDF có chữ ký số."}]
            """
        let arrival = try JSONDecoder().decode(
            ArchiveRecord.Arrival.self,
            from: Data(
                #"{"agency":"000.00.01.H53","year":2026,"series":"thuong","number":1,"registeredAt":"2026-11-24T08:20:00.000+07:00","late":false,"medium":"electronic","legal":\#(String(decoding: try JSONEncoder().encode(legal), as: UTF8.self))}"#
                    .utf8))
        let found = DocumentLegalValue.byName([arrival])
        #expect(found["Quyết định 125.pdf"]?.mark == "CÓ GIÁ TRỊ PHÁP LÝ")
        #expect(found["Quyết định 125.pdf"]?.signer == "Nguyễn Văn A")
        #expect(found["Quyết định 125.pdf"]?.signedAt == "24/11/2026 08:15")
        #expect(found["Phụ lục.docx"]?.mark == "CHỈ CÓ GIÁ TRỊ THAM KHẢO")
        #expect(found["Phụ lục.docx"]?.reason == "Không phải tệp PDF có chữ ký số.")
    }
}
