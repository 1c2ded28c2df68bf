import Packets
import TestSupport
import Testing

@Suite struct SidecarParserTests {
    func parse(_ text: String) throws(SidecarRejection) -> ClerkSidecar { try SidecarParser().parse(Array(text.utf8)) }

    func issues(_ text: String) -> [ClerkIssue] {
        do {
            _ = try parse(text)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func readsTheContractExample() throws {
        let sidecar = try parse(Fixtures.sidecar(issued: "2026-11-24"))
        #expect(sidecar.numberAndNotation == "125/QĐ-UBND")
        #expect(sidecar.issuedDate == CalendarDate(year: 2026, month: 11, day: 24))
        #expect(sidecar.to.map(\.rawValue) == ["000.00.01.H53", "000.00.02.H53"])
        #expect(sidecar.priority == .khan)
        #expect(sidecar.signerInfo?.fullName == "Nguyễn Văn A")
    }

    @Test func normalisesTextToNFC() throws {
        let decomposed = "Quye\u{0302}\u{0301}t đi\u{0323}nh"
        let sidecar = try parse(Fixtures.sidecar(subject: decomposed))
        #expect(sidecar.subject.unicodeScalars.elementsEqual("Quyết định".unicodeScalars))
        #expect(sidecar.subject.isNFC)
    }

    @Test func reportsEveryMissingRequiredFieldInVietnameseAndEnglish() {
        let found = issues("{}")
        #expect(found.compactMap(\.field) == ["codeNumber", "codeNotation", "issuedDate", "typeName", "subject", "to"])
        #expect(found.first { $0.field == "to" }?.problem.vi == "Thiếu trường `to` (nơi nhận).")
        #expect(found.allSatisfy { !$0.problem.en.isEmpty && !$0.action.vi.isEmpty && $0.problem.vi.isNFC })
    }

    @Test func refusesMalformedValues() {
        let bad = """
            {"codeNumber": "12a", "codeNotation": "QĐ UBND", "issuedDate": "24/11/2026", "typeName": "Quyết định",
             "subject": "dòng 1\\ndòng 2", "to": ["000.00.01.H53", "000.00.01.h53", "12345"], "priority": "gấp",
             "secrecy": "riêng", "dueDate": "2026-02-30"}
            """
        let fields = issues(bad).compactMap(\.field)
        #expect(
            fields == [
                "codeNumber", "codeNotation", "issuedDate", "subject", "to[1]", "to[2]", "priority", "secrecy",
                "dueDate",
            ])
    }

    @Test func acceptsVietnameseSpellingsOfPriorityAndSecrecy() throws {
        var text = Fixtures.sidecar(priority: "Hỏa tốc")
        #expect(try parse(text).priority == .hoaToc)
        text = Fixtures.sidecar(priority: "thuong khan")
        #expect(try parse(text).priority == .thuongKhan)
        #expect(Secrecy(clerkText: "Tối mật") == .toiMat)
    }

    @Test func refusesControlCharactersAndBidiOverrides() {
        let found = issues(Fixtures.sidecar(subject: "Về việc \\u202Etxt.exe"))
        #expect(found.map(\.field) == ["subject"])
        #expect(found.first?.problem.en.contains("U+202E") == true)
    }

    @Test func refusesReservedFieldsAndProbableTypos() {
        let text = Fixtures.sidecar().replacingOccurrences(
            of: "\"dueDate\"", with: "\"packetId\": \"x\", \"prority\": \"khan\", \"dueDate\"")
        let found = issues(text)
        #expect(found.map(\.field) == ["packetId", "prority"])
        #expect(found.last?.problem.en == "There is no field `prority`; did you mean `priority`?")
    }

    @Test func keepsOtherFieldsAndTypesKnownOnes() throws {
        let text = Fixtures.sidecar().replacingOccurrences(
            of: "\"dueDate\"", with: "\"pageAmount\": 3, \"maHoSo\": \"HS-01\", \"dueDate\"")
        let sidecar = try parse(text)
        #expect(sidecar.extra.map(\.0) == ["pageAmount", "maHoSo"])
        let badCount = text.replacingOccurrences(of: "\"pageAmount\": 3", with: "\"pageAmount\": \"ba\"")
        #expect(issues(badCount).map(\.field) == ["pageAmount"])
    }

    @Test func reportsBrokenJSONWithItsPosition() {
        let found = issues("{\n  \"codeNumber\": \"1\",\n}")
        #expect(found.count == 1)
        #expect(
            found[0].problem.vi
                == "Tệp mô tả không phải JSON hợp lệ: dòng 3, cột 1: thừa dấu phẩy trước dấu đóng ngoặc.")
    }

    @Test func refusesOversizedSidecars() {
        let big = "{\"subject\": \"" + String(repeating: "a", count: SidecarParser.maxBytes) + "\"}"
        #expect(issues(big).first?.problem.en.hasPrefix("The sidecar is too large") == true)
    }

    @Test func refusesADueDateBeforeTheIssuedDate() {
        let text = Fixtures.sidecar(dueInDays: -1)
        #expect(issues(text).map(\.field) == ["dueDate"])
    }
}
