import Archiving
import Testing

@Suite struct PortableNameTests {
    @Test(arguments: ["Quyết định 125.pdf", "Phụ lục 50% kinh phí.docx", "a.b.c", "Đông Hưng (bản chính).pdf"])
    func acceptsOrdinaryNames(_ name: String) {
        #expect(PortableName.problem(with: name) == nil)
    }

    @Test func refusesWhatWindowsOrLinuxCannotHold() {
        #expect(PortableName.problem(with: "") == .empty)
        #expect(PortableName.problem(with: "..") == .dotName)
        #expect(PortableName.problem(with: "a/b") == .reservedCharacters(["/"]))
        #expect(PortableName.problem(with: "a:b") == .reservedCharacters([":"]))
        #expect(PortableName.problem(with: "Thông báo: lịch họp?.pdf") == .reservedCharacters([":", "?"]))
        #expect(PortableName.problem(with: "a*b*c<d.pdf") == .reservedCharacters(["*", "<"]))
        #expect(PortableName.problem(with: "nul.txt") == .windowsReservedName("nul"))
        #expect(PortableName.problem(with: "COM1") == .windowsReservedName("COM1"))
        #expect(PortableName.problem(with: "report.") == .trailingDotOrSpace)
        #expect(PortableName.problem(with: "a\u{202E}fdp.exe") == .controlCharacter("U+202E"))
        #expect(PortableName.problem(with: String(repeating: "đ", count: 128)) == .tooLong(bytes: 256))
        #expect(PortableName.problem(with: String(repeating: "a", count: 255)) == nil)
    }

    @Test func proposesANameWindowsAccepts() {
        #expect(PortableName.suggestion(for: "Thông báo: lịch họp?.pdf") == "Thông báo - lịch họp.pdf")
        #expect(PortableName.suggestion(for: "Tờ trình 3/2026.docx") == "Tờ trình 3-2026.docx")
        #expect(PortableName.suggestion(for: "\"Quan trọng\" *.pdf") == "Quan trọng.pdf")
        #expect(PortableName.suggestion(for: "???") == nil)
    }
}
