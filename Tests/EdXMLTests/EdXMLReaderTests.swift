import EdXML
import Foundation
import TestSupport
import Testing

/// The streaming reader on the real envelopes other agencies' software wrote (`Tests/Fixtures/edxml/`, see its
/// SOURCES.md), and on damaged ones.
@Suite struct EdXMLReaderTests {
    static let samples = Project.file("Tests/Fixtures/edxml")

    static func read(_ name: String) throws -> (EdXMLMessage, TemporaryDirectory) {
        let folder = TemporaryDirectory("lienthong-edxml")
        return (try EdXMLReader.read(samples + "/" + name, into: folder.path), folder)
    }

    @Test(arguments: [
        "e01-vpcp-sdk-edoc_new", "e02-vpcp-sdk-three-recipients", "e03-vpcp-sdk-edoc_replacement",
        "e04-vpcp-sdk-edoc_revocation", "e05-vpcp-sdk-edoc_update", "e06-bkav-tayninh-edoc_new",
        "e07-bkav-tayninh-edoc_update", "e08-pvn-gateway-two-attachments", "e09-pvn-gateway-three-attachments",
    ])
    func everyRealEnvelopeReads(_ name: String) throws {
        let (message, folder) = try Self.read("envelopes/\(name).edxml")
        let header = try #require(message.messageHeader)
        #expect(header.value("From", "OrganId") != nil)
        #expect(!header.all("To").isEmpty)
        #expect(header.value("DocumentId") != nil)
        #expect(!message.attachments.isEmpty)
        for attachment in message.attachments {
            #expect(FileManager.default.fileExists(atPath: attachment.path))
            #expect(attachment.path == folder.path + "/" + attachment.name)
        }
        // Nothing but the attachments is left in the folder.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == message.attachments.map(\.name).sorted())
    }

    @Test func e01sDocIsUnwrappedFromItsZipByteExact() throws {
        let (message, _) = try Self.read("envelopes/e01-vpcp-sdk-edoc_new.edxml")
        let doc = try #require(message.attachments.first { $0.name.hasSuffix(".doc") })
        #expect(doc.size == 388_347 && doc.unzipped, "\(doc)")
    }

    @Test func e08sTextsComeOutOfTheirZips() throws {
        let (message, folder) = try Self.read("envelopes/e08-pvn-gateway-two-attachments.edxml")
        defer { withExtendedLifetime(folder) {} }
        let meta = try #require(message.attachments.first { $0.name == "metaA.txt" })
        #expect(try String(contentsOfFile: meta.path, encoding: .utf8).contains("META A"))
        #expect(message.messageHeader?.value("From", "OrganId") == "vxp.saas.03")
    }

    @Test func e02HasThreeRecipientsAndE06ItsDayFirstDate() throws {
        let (three, _) = try Self.read("envelopes/e02-vpcp-sdk-three-recipients.edxml")
        #expect(three.messageHeader?.all("To").count == 3)
        let (bkav, _) = try Self.read("envelopes/e06-bkav-tayninh-edoc_new.edxml")
        #expect(bkav.messageHeader?.value("PromulgationInfo", "PromulgationDate") == "30/10/2020")
    }

    @Test(arguments: [
        "s01-vpcp-sdk-status_inbox_01", "s02-vpcp-sdk-status_rejection_02", "s05b-bkav-status_processing_05-lf",
        "s16-vpcp-sdk-status_change-rejection_16",
    ])
    func statusMessagesRead(_ name: String) throws {
        let (message, _) = try Self.read("status/\(name).edxml")
        let header = try #require(message.messageHeader)
        #expect(header.value("StatusCode")?.count == 2)
        #expect(header.value("ResponseFor", "DocumentId") != nil)
        #expect(message.attachments.isEmpty)
    }

    /// e08 changed into `text`: each damage its own problem, and nothing left in the folder.
    static func damaged(_ change: (String) -> String) throws -> (EdXMLProblem?, [String]) {
        let original = try String(
            contentsOfFile: samples + "/envelopes/e08-pvn-gateway-two-attachments.edxml", encoding: .utf8)
        let folder = TemporaryDirectory("lienthong-edxml-bad")
        let file = try folder.write("bad.edxml", change(original))
        let output = folder.file("out")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        do {
            _ = try EdXMLReader.read(file, into: output)
            return (nil, try FileManager.default.contentsOfDirectory(atPath: output))
        } catch let problem as EdXMLProblem {
            return (problem, try FileManager.default.contentsOfDirectory(atPath: output))
        }
    }

    @Test func damagedEnvelopesAreRefusedEachForItsReasonAndLeaveNothing() throws {
        let cut = try Self.damaged { String($0.prefix($0.count * 2 / 3)) }
        #expect(cut.0?.code == "edxml-malformed" && cut.1.isEmpty, "\(cut)")
        let base64 = try Self.damaged { $0.replacingOccurrences(of: "UEsDB", with: "UE*DB") }
        #expect(base64.0?.code == "edxml-bad-base64" && base64.1.isEmpty, "\(base64)")
        let unreferenced = try Self.damaged { text in
            var text = text
            let range = text.range(of: "<edXML:Reference>")!
            let end = text.range(of: "</edXML:Reference>", range: range.upperBound..<text.endIndex)!
            text.removeSubrange(range.lowerBound..<end.upperBound)
            return text
        }
        #expect(unreferenced.0?.code == "edxml-attachment-unreferenced" && unreferenced.1.isEmpty, "\(unreferenced)")
        let doctype = try Self.damaged {
            $0.replacingOccurrences(
                of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE edXML [<!ENTITY a \"aaaa\">]>")
        }
        #expect(doctype.0 != nil && doctype.1.isEmpty, "\(doctype)")
    }
}
