import Archiving
import DurableIO
import Foundation
import FoundationXML
import Packets

#if canImport(Glibc)
import Glibc
#endif

/// An attachment of an envelope, decoded to a file of the reader's folder.
public struct DecodedAttachment: Sendable, Equatable {
    /// `cid:…`, joining it to its manifest `Reference`.
    public let contentId: String
    /// The file's real name (`AttachmentName`; never a zip entry's name).
    public let name: String
    public let contentType: String?
    public let description: String?
    /// Where it was decoded to (inside the reader's folder), named `name`.
    public let path: String
    public let size: Int64
    public let sha256: String
    /// It came zipped (`application/zip` holding one file) and was unwrapped.
    public let unzipped: Bool
}

/// A message read: the header's element tree (everything but the attachments' content) and the attachments.
public struct EdXMLMessage: Sendable {
    /// The root `edXML` element.
    public let root: EdXMLNode
    public let attachments: [DecodedAttachment]

    /// `edXMLEnvelope/edXMLHeader`.
    public var header: EdXMLNode? { root.first("edXMLEnvelope")?.first("edXMLHeader") }
    /// `edXMLHeader/MessageHeader`.
    public var messageHeader: EdXMLNode? { header?.first("MessageHeader") }
}

/// Reads an `.edxml` file with FoundationXML's streaming `XMLParser` (libxml2 underneath): elements are matched by
/// namespace and local name, never by prefix or by the order of their siblings; each attachment's base64 goes to a
/// file as it is parsed (constant memory, whatever its size), then is joined to its manifest entry by `ContentId`
/// and, when it came zipped, unwrapped through the safe archive reader. A DTD is refused (no entity expansion).
/// The reader's folder receives the attachments under their `AttachmentName`; on a problem it is left as it was.
public enum EdXMLReader {
    /// The most bytes of text outside the attachments' content (the header is small; more is not an envelope).
    public static let headerLimit = 8 << 20

    public static func read(_ path: String, into folder: String) throws -> EdXMLMessage {
        guard let stream = InputStream(fileAtPath: path) else {
            throw EdXMLProblem("edxml-unreadable", vi: "Không đọc được tệp \(path).", en: "Cannot read \(path).")
        }
        if try declaresDocumentType(path) { throw EdXMLProblem.doctype }
        let collector = Collector(folder: folder)
        let parser = XMLParser(stream: stream)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        let parsed = parser.parse()
        defer { if collector.problem != nil || !parsed { collector.removeParts() } }
        if let problem = collector.problem { throw problem }
        if let error = collector.thrown { throw error }
        guard parsed, let root = collector.root else {
            throw EdXMLProblem.malformed(
                parser.parserError.map { "\($0.localizedDescription)" } ?? "unreadable", line: parser.lineNumber)
        }
        do {
            return EdXMLMessage(root: root, attachments: try collector.join(root))
        } catch {
            collector.removeParts()
            throw error
        }
    }

    /// Whether the prolog (what comes before the root element) holds a document type declaration: an envelope has
    /// none, and one could declare entities that expand without bound.
    static func declaresDocumentType(_ path: String) throws -> Bool {
        let file = try FileDescriptor.openRegularFileForReading(path)
        var head = [UInt8](repeating: 0, count: 1 << 16)
        let count = try head.withUnsafeMutableBytes { try file.read(into: $0) }
        var index = 0
        while index < count - 1 {
            if head[index] == UInt8(ascii: "<") {
                let next = head[index + 1]
                if next != UInt8(ascii: "?") && next != UInt8(ascii: "!") { return false }  // the root element
                if next == UInt8(ascii: "!"), count - index >= 9,
                    Array(head[index..<(index + 9)]) == Array("<!DOCTYPE".utf8)
                {
                    return true
                }
            }
            index += 1
        }
        return false
    }

    /// Builds the tree, streams attachments to `.part` files.
    final class Collector: NSObject, XMLParserDelegate {
        let folder: String
        var root: EdXMLNode?
        private var stack: [EdXMLNode] = []
        private var headerBytes = 0
        private var sink: Base64Sink?
        /// Decoded content by the `Attachment` element it belongs to.
        private var decoded: [ObjectIdentifier: (path: String, sha256: String, size: Int64)] = [:]
        private var parts: [String] = []
        var problem: EdXMLProblem?
        var thrown: Error?

        init(folder: String) { self.folder = folder }

        private func stop(_ parser: XMLParser, _ problem: EdXMLProblem) {
            if self.problem == nil { self.problem = problem }
            parser.abortParsing()
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = EdXMLNode(namespace: namespaceURI ?? "", name: name)
            if root == nil { root = node }
            if name == "ContentTransferEncoded", node.namespace == edXMLNamespace,
                stack.last?.name == "Attachment"
            {
                let part = folder + "/.attachment-\(parts.count).part"
                do {
                    sink = try Base64Sink(path: part)
                    parts.append(part)
                } catch {
                    thrown = error
                    parser.abortParsing()
                }
            }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let sink {
                do {
                    if try !sink.feed(string) { stop(parser, .badBase64(attachmentName() ?? "?")) }
                } catch {
                    thrown = error
                    parser.abortParsing()
                }
                return
            }
            headerBytes += string.utf8.count
            guard headerBytes <= EdXMLReader.headerLimit else { return stop(parser, .headerTooLarge) }
            stack.last?.text += string
        }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard let node = stack.popLast() else { return }
            if let sink, name == "ContentTransferEncoded" {
                self.sink = nil
                do {
                    guard let result = try sink.finish(), let attachment = stack.last else {
                        return stop(parser, .badBase64(attachmentName() ?? "?"))
                    }
                    guard decoded[ObjectIdentifier(attachment)] == nil else {
                        return stop(parser, .duplicated("Attachment/ContentTransferEncoded"))
                    }
                    decoded[ObjectIdentifier(attachment)] = (sink.path, result.sha256, result.size)
                } catch {
                    thrown = error
                    parser.abortParsing()
                }
            }
            stack.last?.children.append(node)
        }

        // A DTD has no place in an envelope; refusing it keeps entity expansion out.
        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            stop(parser, .notEdXML)
        }
        func parser(
            _ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?,
            systemID: String?
        ) {
            stop(parser, .notEdXML)
        }
        func parser(_ parser: XMLParser, foundElementDeclarationWithName name: String, model: String) {
            stop(parser, .notEdXML)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if problem == nil, thrown == nil {
                problem = .malformed(parseError.localizedDescription, line: parser.lineNumber)
            }
        }

        /// The name of the attachment being read, when its `AttachmentName` came before its content.
        private func attachmentName() -> String? {
            stack.last { $0.name == "Attachment" }?.value("AttachmentName")
        }

        func removeParts() {
            for part in parts { unlink(part) }
        }

        /// Joins each decoded attachment to its manifest entry, names it, unwraps the zipped ones.
        func join(_ root: EdXMLNode) throws -> [DecodedAttachment] {
            guard root.name == "edXML", root.namespace == edXMLNamespace,
                let envelope = root.first("edXMLEnvelope"), envelope.first("edXMLHeader") != nil
            else { throw EdXMLProblem.notEdXML }
            let references = envelope.first("edXMLBody")?.first("edXMLManifest")?.all("Reference") ?? []
            var byId: [String: EdXMLNode] = [:]
            for reference in references {
                guard let id = reference.value("ContentId") else { throw EdXMLProblem.missing("Reference/ContentId") }
                guard byId.updateValue(reference, forKey: id) == nil else {
                    throw EdXMLProblem.duplicated("Reference \(id)")
                }
            }
            var attachments: [DecodedAttachment] = []
            var names: Set<String> = []
            var joined: Set<String> = []
            for block in root.all("AttachmentEncoded") {
                for attachment in block.all("Attachment") {
                    guard let id = attachment.value("ContentId") else {
                        throw EdXMLProblem.missing("Attachment/ContentId")
                    }
                    guard let reference = byId[id] else { throw EdXMLProblem.unreferenced(id) }
                    guard joined.insert(id).inserted else { throw EdXMLProblem.duplicated("Attachment \(id)") }
                    guard let content = decoded[ObjectIdentifier(attachment)] else {
                        throw EdXMLProblem.missing("Attachment \(id)/ContentTransferEncoded")
                    }
                    let name = attachment.value("AttachmentName") ?? reference.value("AttachmentName") ?? ""
                    guard !name.isEmpty, !name.contains("/"), !name.contains("\\"), name != ".", name != "..",
                        PortableName.problem(with: name) == nil, !name.hasPrefix(".")
                    else { throw EdXMLProblem.badName(name) }
                    guard names.insert(name.lowercased()).inserted else {
                        throw EdXMLProblem.duplicated("AttachmentName \(name)")
                    }
                    let type = attachment.value("ContentType") ?? reference.value("ContentType")
                    let target = folder + "/" + name
                    let unzipped = try Self.unwrap(content.path, to: target, name: name, type: type)
                    let digest =
                        unzipped ? try FileDigest.sha256(target) : (sha256: content.sha256, size: content.size)
                    if !unzipped { try FileSystem.renameNoReplace(RawPath(content.path), RawPath(target)) }
                    attachments.append(
                        DecodedAttachment(
                            contentId: id, name: name, contentType: type,
                            description: attachment.value("Description") ?? reference.value("Description"),
                            path: target, size: digest.size, sha256: digest.sha256, unzipped: unzipped))
                }
            }
            if let missing = byId.keys.sorted().first(where: { !joined.contains($0) }) {
                throw EdXMLProblem.unattached(missing)
            }
            return attachments
        }

        /// A zip holding one file, sent for a file that is not itself a zip, is unwrapped into `target`.
        static func unwrap(_ part: String, to target: String, name: String, type: String?) throws -> Bool {
            guard type?.lowercased() == "application/zip", !name.lowercased().hasSuffix(".zip") else { return false }
            let input = try FileDescriptor.openRegularFileForReading(part)
            var magic = [UInt8](repeating: 0, count: 4)
            let count = try magic.withUnsafeMutableBytes { try input.read(into: $0) }
            guard count == 4, magic == [0x50, 0x4B, 0x03, 0x04] else { return false }
            _ = lseek(input.raw, 0, SEEK_SET)
            do {
                let reader = try SafeArchiveReader(fileDescriptor: input.raw)
                var files = 0
                let output = try FileDescriptor.open(target, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while let entry = try reader.next() {
                    if entry.isDirectory { continue }
                    files += 1
                    guard files == 1 else {
                        unlink(target)
                        return false  // several files: a real zip, kept as it came
                    }
                    while true {
                        let read = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                        if read == 0 { break }
                        try buffer.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[..<read])) }
                    }
                }
                try output.close()
                guard files == 1 else {
                    unlink(target)
                    return false
                }
                unlink(part)
                return true
            } catch let error as EdXMLProblem {
                throw error
            } catch {
                unlink(target)
                throw EdXMLProblem.badZip(name, "\(error)")
            }
        }
    }
}
