import Packets
import Testing

@Suite struct MarkupEscapingTests {
    @Test func escapesTheFiveMarkupCharactersAndNothingElse() {
        #expect(
            "Sở <Tài chính> & \"Kế hoạch\" 'Đầu tư'".markupEscaped
                == "Sở &lt;Tài chính&gt; &amp; &quot;Kế hoạch&quot; &apos;Đầu tư&apos;")
        #expect("Quyết định số 125/QĐ-UBND".markupEscaped == "Quyết định số 125/QĐ-UBND")
        #expect("&amp;".markupEscaped == "&amp;amp;")
        #expect("".markupEscaped == "")
    }

    /// `<` followed by a combining mark is one Swift Character; the markup character must still be escaped.
    @Test func escapesMarkupCharactersThatCombiningMarksFollow() {
        #expect("<\u{301}script>".markupEscaped == "&lt;\u{301}script&gt;")
        #expect("&\u{323}".markupEscaped == "&amp;\u{323}")
    }
}
