import DurableIO
import Foundation
import Packets
import Yams

/// `agency.yaml` as text to change: the admin commands (`lienthong agency …`, `cert …`, `inbox move`) edit its keys
/// and write it back whole, atomically (the daemon re-reads it when it changes). Keys keep their order; a key set
/// anew goes at the end. Comments are not kept: what changed, when and why is in the journal (`journal show --kind
/// admin`) and in the file's own history keys.
public struct AgencyYAML {
    /// The keys and their values, in the file's order.
    public private(set) var pairs: [(key: String, value: Node)]

    public init(pairs: [(key: String, value: Node)] = []) {
        self.pairs = pairs
    }

    /// Reads `agencies/<code>/agency.yaml` as it is.
    public static func load(_ code: AgencyCode, in spool: SpoolLayout) throws(ConfigError) -> AgencyYAML {
        let root = try ConfigNode.load(file: spool.agencyConfig(code))
        guard case .mapping(let mapping) = root.node else { throw root.error("expected a mapping (key: value lines)") }
        var pairs: [(key: String, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw root.error("keys must be text") }
            pairs.append((name, value))
        }
        return AgencyYAML(pairs: pairs)
    }

    /// The value of `key`.
    public subscript(key: String) -> Node? {
        get { pairs.first { $0.key == key }?.value }
        set {
            if let position = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[position].value = newValue } else { pairs.remove(at: position) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    /// A text value.
    public static func text(_ value: String) -> Node { Node(value.precomposedNFC) }

    /// A point in time, as the journal writes it.
    public static func time(_ date: Date, in timeZone: TimeZone) -> Node {
        Node(Timestamp.string(date, in: timeZone), Tag(.str), .doubleQuoted)
    }

    /// A list.
    public static func list(_ items: [Node]) -> Node { Node(items) }

    /// A mapping, keys in the order given.
    public static func mapping(_ pairs: [(String, Node)]) -> Node {
        Node(pairs.map { (Node($0.0), $0.1) })
    }

    /// The items of the list at `key` (none when absent).
    public func items(_ key: String) -> [Node] { self[key]?.sequence.map(Array.init) ?? [] }

    /// The file's text: `header` as comment lines, then the keys.
    public func render(header: [String]) throws -> String {
        let body = try Yams.serialize(node: Self.mapping(pairs.map { ($0.key, $0.value) }), allowUnicode: true)
        return header.map { "# " + $0 }.joined(separator: "\n") + (header.isEmpty ? "" : "\n") + body
    }

    /// Writes the file atomically and durably, after checking that it reads back as a valid configuration.
    public func write(_ code: AgencyCode, in spool: SpoolLayout, header: [String]) throws {
        let text = try render(header: header).precomposedNFC
        _ = try Self.check(text, code: code, spool: spool)
        try Durable.writeFile(at: spool.agencyConfig(code), bytes: Array(text.utf8), replace: true)
    }

    /// The configuration `text` would give, or its error: nothing invalid is ever written.
    public static func check(_ text: String, code: AgencyCode, spool: SpoolLayout) throws(ConfigError) -> AgencyConfig {
        try AgencyConfig.parse(ConfigNode.parse(text, file: spool.agencyConfig(code)), code: code, in: spool)
    }
}
