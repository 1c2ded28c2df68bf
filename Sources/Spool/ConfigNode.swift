import DurableIO
import Foundation
import Packets
import Yams

/// A node of a YAML configuration file, read with Yams, that reports errors with their line and column.
public struct ConfigNode {
    /// The YAML node.
    public let node: Node
    /// The file it came from.
    public let file: String
    /// Its key path, for messages (`watch.settle`).
    public let keyPath: String

    /// Parses a YAML file; a syntax error names its line.
    public static func load(file: String, limit: Int = 1 << 20) throws(ConfigError) -> ConfigNode {
        let bytes: [UInt8]
        do {
            bytes = try Durable.readSmallFile(file, limit: limit)
        } catch {
            throw ConfigError(file: file, message: "cannot read: \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: file, message: "not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    /// Parses YAML text.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ConfigNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return ConfigNode(node: Node.mapping(Node.Mapping([])), file: file, keyPath: "")
            }
            return ConfigNode(node: node, file: file, keyPath: "")
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw ConfigError(file: file, message: "\(error)")
        }
    }

    /// A configuration error at this node.
    public func error(_ message: String) -> ConfigError {
        ConfigError(
            file: file, line: node.mark?.line, column: node.mark?.column,
            message: keyPath.isEmpty ? message : "\(keyPath): \(message)")
    }

    /// The members of a mapping; keys outside `allowed` are refused (a misspelt key must not be ignored).
    public func mapping(allowed: Set<String>) throws(ConfigError) -> [String: ConfigNode] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value lines)") }
        var members: [String: ConfigNode] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigError(
                    file: file, line: key.mark?.line, column: key.mark?.column, message: "keys must be text")
            }
            let path = keyPath.isEmpty ? name : "\(keyPath).\(name)"
            guard allowed.contains(name) else {
                throw ConfigError(
                    file: file, line: key.mark?.line, column: key.mark?.column,
                    message: "unknown key \(path); expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
            members[name] = ConfigNode(node: value, file: file, keyPath: path)
        }
        return members
    }

    /// The node as text.
    public func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string.precomposedStringWithCanonicalMapping
    }

    /// The node as a list.
    public func list() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { ConfigNode(node: $1, file: file, keyPath: "\(keyPath)[\($0)]") }
    }

    private static func describe(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return ConfigError(file: file, message: "YAML: \(error)")
        }
    }
}

extension ConfigNode {
    /// The node as a point in time (`2025-07-01T00:00:00+07:00`, as the journal writes them; a bare date is midnight
    /// in Vietnam).
    public func instant() throws(ConfigError) -> Date {
        let text = try string()
        if let date = Timestamp.parse(text) { return date }
        if CalendarDate(iso: text) != nil, let date = Timestamp.parse(text + "T00:00:00+07:00") { return date }
        throw error("expected a time such as 2025-07-01T00:00:00+07:00, not \(text)")
    }

    /// The node as an agency code (`NNN.NN.NN.Xnn`).
    public func agencyCode() throws(ConfigError) -> AgencyCode {
        let text = try string()
        guard let code = AgencyCode(text), code.rawValue == text else {
            throw error("expected an agency code NNN.NN.NN.Xnn, not \(text)")
        }
        return code
    }
}
