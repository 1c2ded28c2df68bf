/// A configuration file the office refuses, with the line at fault.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public let file: String
    /// Line and column (from 1), when known.
    public let line: Int?
    public let column: Int?
    /// What is wrong and what is expected.
    public let message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
