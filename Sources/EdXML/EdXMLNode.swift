import Foundation

/// The namespace every edXML element is in (QCVN 102:2016), whatever its prefix.
public let edXMLNamespace = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
/// The XML-DSig namespace some senders declare on `Signature`.
public let xmlDSigNamespace = "http://www.w3.org/2000/09/xmldsig#"

/// One element of an envelope's header as read (everything but the attachments' content, which streams to disk):
/// its namespace and local name — never its prefix —, its text and its children in document order.
public final class EdXMLNode: @unchecked Sendable {
    // Sendable: built by one reader on one thread, then only read.
    public let namespace: String
    public let name: String
    public internal(set) var text = ""
    public internal(set) var children: [EdXMLNode] = []

    init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The children named `name` in the edXML namespace.
    public func all(_ name: String) -> [EdXMLNode] {
        children.filter { $0.name == name && $0.namespace == edXMLNamespace }
    }

    /// The first child named `name` in the edXML namespace.
    public func first(_ name: String) -> EdXMLNode? { all(name).first }

    /// The text of the element at the path of names below this one, trimmed; nil when absent or empty.
    public func value(_ path: String...) -> String? {
        var node: EdXMLNode? = self
        for name in path { node = node?.first(name) }
        guard let text = node?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text.precomposedStringWithCanonicalMapping
    }
}
