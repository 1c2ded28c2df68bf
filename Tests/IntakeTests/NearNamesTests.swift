import DurableIO
import Testing

@testable import Intake

/// Names that differ only by accents, case or spaces (issue 13).
@Suite struct NearNamesTests {
    func names(_ list: [String]) -> [RawName] { list.map { RawName(Array($0.utf8)) } }

    @Test func theFoldedKeyIgnoresAccentsCaseAndSpaces() {
        #expect(NearNames.key("Công văn  207") == NearNames.key("cong van207"))
        #expect(NearNames.key("Đông Hưng") == "donghung")
        #expect(NearNames.key("Công văn 207") != NearNames.key("Công văn 208"))
    }

    @Test func oneSidecarAndOneDocumentArePaired() {
        let match = NearNames.match(sidecars: names(["Cong van 207.json"]), documents: names(["Công văn 207.pdf"]))
        #expect(match.pairs == [RawName(Array("Cong van 207.json".utf8)): names(["Công văn 207.pdf"])])
        #expect(match.ambiguous.isEmpty)
    }

    @Test func twoWaysToPairAreNamedTogetherNotGuessed() {
        let match = NearNames.match(
            sidecars: names(["Bao cao 5.json"]), documents: names(["Báo cáo 5.pdf", "BÁO CÁO 5.pdf"]))
        #expect(match.pairs.isEmpty)
        #expect(match.ambiguous[RawName(Array("Bao cao 5.json".utf8))] == names(["BÁO CÁO 5.pdf", "Báo cáo 5.pdf"]))
        let twoSidecars = NearNames.match(
            sidecars: names(["Bao cao 5.json", "BAO CAO 5.json"]), documents: names(["Báo cáo 5.pdf"]))
        #expect(twoSidecars.pairs.isEmpty && twoSidecars.ambiguous.count == 3)
    }

    @Test func aMainTextAndItsAnnexOfOneStemGoTogether() {
        let match = NearNames.match(
            sidecars: names(["Cong van 9.json"]), documents: names(["Công văn 9.pdf", "Công văn 9.docx", "Khác.pdf"]))
        #expect(Set(match.pairs.values.first ?? []) == Set(names(["Công văn 9.pdf", "Công văn 9.docx"])))
    }
}
