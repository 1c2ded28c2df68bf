import Packets
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONParser().parse(Array(text.utf8)) }

    @Test func parsesValuesKeepingKeyOrderAndNumberText() throws {
        let value = try parse(#"{"b": [1, -2.5e3, true, null], "a": "Quyết \"định\"\n\u0110", "c": {}}"#)
        #expect(value.objectValue?.map(\.0) == ["b", "a", "c"])
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .null]))
        #expect(value["a"]?.stringValue == "Quyết \"định\"\nĐ")
        #expect(try parse("\"\\ud83d\\ude00\"").stringValue == "😀")
    }

    @Test func writerRoundTrips() throws {
        let text = #"{"x": [1, 2], "y": {"z": "Đông Hưng\t"}, "e": []}"#
        let value = try parse(text)
        #expect(try JSONParser().parse(JSONWriter.bytes(value)) == value)
        #expect(
            String(decoding: JSONWriter.compactBytes(value), as: UTF8.self)
                == #"{"x":[1,2],"y":{"z":"Đông Hưng\t"},"e":[]}"#)
    }

    @Test func locatesErrorsByLineAndColumn() {
        #expect(throws: JSONSyntaxError(kind: .trailingComma, line: 3, column: 1)) { try parse("{\n\"a\": 1,\n}") }
        #expect(throws: JSONSyntaxError(kind: .duplicateKey("to"), line: 1, column: 12)) {
            try parse(#"{"to": [], "to": []}"#)
        }
        #expect(throws: JSONSyntaxError(kind: .unexpectedCharacter("'ư'"), line: 2, column: 8)) {
            try parse("{\n\"a\": 1 ư}")
        }
        #expect(throws: JSONSyntaxError(kind: .unexpectedEnd, line: 1, column: 10)) { try parse(#"{"a": "xy"#) }
        #expect(throws: JSONSyntaxError(kind: .trailingContent, line: 1, column: 4)) { try parse("{} {}") }
        #expect(throws: JSONSyntaxError(kind: .controlCharacterInString, line: 1, column: 3)) {
            try parse("\"a\u{01}\"")
        }
        #expect(throws: JSONSyntaxError(kind: .invalidNumber, line: 1, column: 2)) { try parse("01") }
    }

    @Test func refusesDeepNestingWithoutExhaustingTheStack() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError(kind: .tooDeep(limit: 64), line: 1, column: 65)) { try parse(deep) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONSyntaxError(kind: .invalidUTF8, line: 1, column: 1)) {
            try JSONParser().parse([0x22, 0xC3, 0x28, 0x22])
        }
    }
}
