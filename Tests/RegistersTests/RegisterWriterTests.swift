import Foundation
import Registers
import Spool
import TestSupport
import Testing

@Suite struct RegisterWriterTests {
    @Test func csvQuotesOnlyWhatNeedsItAndWritesNFCWithBOMAndCRLF() {
        let decomposed = "Quye\u{302}\u{301}t đi\u{323}nh"  // "Quyết định" typed with combining marks
        let bytes = RegisterWriter.csv(
            headings: ["Số, ký hiệu", "Ghi chú"],
            rows: [[decomposed, "dòng 1\ndòng 2"], ["\"trích\" dẫn", "thường"], ["=1+2", "+84 Nguyễn Văn E"]])
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(
            text
                == "\"Số, ký hiệu\",Ghi chú\r\nQuyết định,\"dòng 1\ndòng 2\"\r\n\"\"\"trích\"\" dẫn\",thường\r\n'=1+2,'+84 Nguyễn Văn E\r\n"
        )
        #expect(text.unicodeScalars.elementsEqual(text.precomposedStringWithCanonicalMapping.unicodeScalars))
    }

    @Test func theShippedTemplatesEscapeClerkTextAndMarkLateRows() throws {
        let row: [String: Any] = [
            "numberAndNotation": "1/QĐ-UBND", "issued": "02/01/2026", "typeAndSubject": "<b>Về việc</b> & thử",
            "signer": "", "recipients": "", "archiveCopy": "", "copies": "", "sent": "", "receipts": "",
            "notes": "Gửi muộn", "late": true, "packetId": "20260102-000000-000-AAAAAAAAAA",
        ]
        let outgoing = try PageTemplate(path: Project.file("Templates/register-outgoing.html.mustache"))
        let html = outgoing.render([
            "title": "Sổ đăng ký văn bản đi", "agency": "000.00.00.H53", "agencyName": "UBND",
            "year": 2026, "count": 1, "rows": [row], "secret": false,
        ])
        #expect(html.contains("<td>&lt;b&gt;Về việc&lt;/b&gt; &amp; thử</td>"))
        #expect(html.contains("<td><b class=\"late\">Gửi muộn.</b> Gửi muộn"))
        #expect(html.contains("@page { size: A4 landscape"))
        let incoming = try PageTemplate(path: Project.file("Templates/register-incoming.html.mustache"))
        let empty = incoming.render([
            "title": "Sổ đăng ký văn bản mật đến", "agency": "000.00.00.H53", "agencyName": "UBND",
            "year": 2026, "count": 0, "rows": [[String: Any]](), "secret": true,
        ])
        #expect(empty.contains("Chưa có văn bản mật đến trong năm 2026."))
        #expect(throws: TemplateError.missing(Project.file("Templates/register-missing.html.mustache"))) {
            try PageTemplate(path: Project.file("Templates/register-missing.html.mustache"))
        }
    }
}
