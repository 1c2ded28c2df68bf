import EdXML
import Foundation
import Packets
import TestSupport
import Testing

/// The header of every real envelope and status message, as the office will file it.
@Suite struct EdXMLEnvelopeTests {
    static func envelope(_ name: String) throws -> EdXMLEnvelope {
        let (message, folder) = try EdXMLReaderTests.read("envelopes/\(name).edxml")
        defer { withExtendedLifetime(folder) {} }
        return try EdXMLEnvelope(message)
    }

    @Test func whatEachRealEnvelopeSays() throws {
        let new = try Self.envelope("e01-vpcp-sdk-edoc_new")
        #expect(new.business == .new && new.signature == .notVerified)
        #expect(new.from.organId == "000.00.00.A80" && new.to.map(\.organId) == ["28.22.H17"])
        #expect(new.codeNumber == "74fass22", "letters in CodeNumber are kept")
        #expect(new.documentId == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")
        #expect(new.promulgationDate?.date != nil)
        #expect(try Self.envelope("e02-vpcp-sdk-three-recipients").to.count == 3)
        let replacement = try Self.envelope("e03-vpcp-sdk-edoc_replacement")
        #expect(replacement.business == .replace && !replacement.replaces.isEmpty, "\(replacement.replaces)")
        let recall = try Self.envelope("e04-vpcp-sdk-edoc_revocation")
        #expect(recall.business == .recall && !recall.responseFor.isEmpty, "\(recall.responseFor)")
        #expect(try Self.envelope("e05-vpcp-sdk-edoc_update").business == .update)
        let bkav = try Self.envelope("e06-bkav-tayninh-edoc_new")
        #expect(bkav.promulgationDate?.date == CalendarDate(year: 2020, month: 10, day: 30))
        #expect(bkav.from.organId == "000.00.11.H53" && bkav.dueDate == nil)
        #expect(try Self.envelope("e07-bkav-tayninh-edoc_update").business == .update)
        let gateway = try Self.envelope("e08-pvn-gateway-two-attachments")
        #expect(gateway.signature == .absent && gateway.from.organId == "vxp.saas.03")
        #expect(try Self.envelope("e09-pvn-gateway-three-attachments").subject.isEmpty == false)
    }

    @Test(arguments: [
        ("s01-vpcp-sdk-status_inbox_01", "01"), ("s01b-vpcp-sdk-status", "01"),
        ("s02-vpcp-sdk-status_rejection_02", "02"), ("s03-vpcp-sdk-status_acceptance_03", "03"),
        ("s04-vpcp-sdk-status_assignment_04", "04"), ("s05-vpcp-sdk-status_processing_05", "05"),
        ("s05b-bkav-status_processing_05-lf", "05"), ("s06-vpcp-sdk-status_finish_06", "06"),
        ("s13-vpcp-sdk-status_cancellation_13", "13"), ("s15-vpcp-sdk-status_change-acceptance_15", "15"),
        ("s16-vpcp-sdk-status_change-rejection_16", "16"),
    ])
    func everyRealStatusMessageReads(_ name: String, _ code: String) throws {
        let (message, folder) = try EdXMLReaderTests.read("status/\(name).edxml")
        defer { withExtendedLifetime(folder) {} }
        #expect(EdXMLStatus.isStatus(message))
        let status = try EdXMLStatus(message)
        #expect(status.code == code && !status.documentId.isEmpty && status.timestamp != nil)
    }

    @Test func aDuplicatedFromIsRefused() throws {
        let folder = TemporaryDirectory("lienthong-edxml-from")
        let original = try String(
            contentsOfFile: EdXMLReaderTests.samples + "/envelopes/e08-pvn-gateway-two-attachments.edxml",
            encoding: .utf8)
        let from = original.range(of: "<edXML:From>")!
        let end = original.range(of: "</edXML:From>")!
        let doubled = original.replacingCharacters(
            in: from.lowerBound..<from.lowerBound, with: String(original[from.lowerBound..<end.upperBound]))
        let file = try folder.write("twice.edxml", doubled)
        let message = try EdXMLReader.read(file, into: folder.path)
        #expect(throws: EdXMLProblem.self) { try EdXMLEnvelope(message) }
    }
}
