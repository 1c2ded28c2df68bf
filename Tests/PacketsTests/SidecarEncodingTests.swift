import Foundation
import Packets
import TestSupport
import Testing

/// Sidecars not saved as UTF-8 (issue 13): UTF-16 with its mark is read; the rest say how to save as UTF-8.
@Suite struct SidecarEncodingTests {
    func rejection(_ bytes: [UInt8]) -> SidecarRejection? {
        do {
            _ = try SidecarParser().parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [String.Encoding.utf16LittleEndian, .utf16BigEndian])
    func utf16WithItsMarkIsRead(_ encoding: String.Encoding) throws {
        let mark: [UInt8] = encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        let text = try #require(Fixtures.sidecar(subject: "Về việc Đông Hưng").data(using: encoding))
        let sidecar = try SidecarParser().parse(mark + Array(text))
        #expect(sidecar.subject == "Về việc Đông Hưng")
    }

    @Test func utf16WithoutItsMarkSaysHowToSaveAsUTF8() throws {
        let text = try #require(Fixtures.sidecar().data(using: .utf16LittleEndian))
        let issue = try #require(rejection(Array(text))?.issues.first)
        #expect(issue.problem.vi.contains("UTF-16 nhưng thiếu dấu thứ tự byte (BOM)"))
        #expect(issue.action.vi.contains("ở mục Encoding chọn UTF-8"))
    }

    @Test func aLegacyCodePageNamesTheFirstBadByte() throws {
        var bytes = Array(#"{"subject": "V"#.utf8)
        let offset = bytes.count
        bytes += [0xEA, 0xD2] + Array(#"", "codeNumber": "1"}"#.utf8)
        let issue = try #require(rejection(bytes)?.issues.first)
        #expect(issue.problem.vi.contains("byte thứ \(offset + 1) không phải UTF-8"), "\(issue.problem.vi)")
        #expect(issue.problem.en.contains("Windows-1258, TCVN3 (ABC) or VNI"))
    }

    @Test func aNumberWrittenWithItsNotationIsExplainedAndTheRestStillChecked() throws {
        let text = Fixtures.sidecar(to: ["000.00.01.H53", "bad"]).replacingOccurrences(
            of: #""codeNumber": "125""#, with: #""codeNumber": "204/QĐ-UBND""#)
        let found = try #require(rejection(Array(text.utf8)))
        #expect(found.issues.map(\.field) == ["codeNumber", "to[1]"])
        #expect(
            found.issues[0].action.vi == #"Ghi "codeNumber": "204" (ký hiệu "QĐ-UBND" đã có trong `codeNotation`)."#)
        #expect(
            found.recipients.map(\.rawValue) == ["000.00.01.H53"], "well-formed codes are kept for the office's check")
    }
}
