import Foundation

/// Why a file or folder name cannot travel safely between Linux and Windows (SMB) shares.
public enum NameProblem: Sendable, Equatable, CustomStringConvertible {
    case empty
    case notUTF8
    /// `.` or `..`.
    case dotName
    /// Longer than 255 bytes of UTF-8.
    case tooLong(bytes: Int)
    /// Holds a control or text-direction character (newline, NUL, bidi override …), given as U+XXXX.
    case controlCharacter(String)
    /// Holds characters Windows refuses in names (`< > : " / \\ | ? *`): every one the name holds, in order.
    case reservedCharacters([Character])
    /// A device name Windows reserves (`CON`, `NUL`, `COM1` …), with or without an extension.
    case windowsReservedName(String)
    /// Ends in a dot or a space, which Windows silently strips.
    case trailingDotOrSpace
    /// Holds `%0A` or `%0D`, which BagIt manifests read as a line break (RFC 8493 percent-encoding).
    case percentLineBreak(String)

    public var description: String {
        switch self {
        case .empty: "the name is empty"
        case .notUTF8: "the name is not valid UTF-8"
        case .dotName: "the name is . or .."
        case .tooLong(let bytes): "the name is \(bytes) bytes long (at most 255)"
        case .controlCharacter(let scalar): "the name holds the control character \(scalar)"
        case .reservedCharacters(let characters):
            characters.count == 1
                ? "the name holds the character \(characters[0]), which Windows does not allow in names"
                : "the name holds the characters \(PortableName.list(characters)), which Windows does not allow in names"
        case .windowsReservedName(let name): "\(name) is a device name reserved by Windows"
        case .trailingDotOrSpace: "the name ends with a dot or a space"
        case .percentLineBreak(let sequence): "the name holds \(sequence), which BagIt tools read as a line break"
        }
    }
}

/// Rules for names that must be valid on Linux and on Windows shares at once.
public enum PortableName {
    /// The longest name, in bytes of UTF-8, that common file systems accept.
    public static let maxBytes = 255

    private static let reservedCharacters: Set<Character> = ["<", ">", ":", "\"", "/", "\\", "|", "?", "*"]
    private static let reservedDevices: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        for digit in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"] {
            names.insert("COM" + digit)
            names.insert("LPT" + digit)
        }
        return names
    }()

    /// The problem with `name` as one path component, or nil when it is portable.
    public static func problem(with name: String) -> NameProblem? {
        if name.isEmpty { return .empty }
        if name == "." || name == ".." { return .dotName }
        let bytes = name.utf8.count
        if bytes > maxBytes { return .tooLong(bytes: bytes) }
        for scalar in name.unicodeScalars where isControl(scalar) {
            return .controlCharacter(String(format: "U+%04X", scalar.value))
        }
        var reserved: [Character] = []
        for character in name where reservedCharacters.contains(character) && !reserved.contains(character) {
            reserved.append(character)
        }
        if !reserved.isEmpty { return .reservedCharacters(reserved) }
        if name.hasSuffix(".") || name.hasSuffix(" ") { return .trailingDotOrSpace }
        if let range = name.range(of: "%0[AaDd]", options: .regularExpression) {
            return .percentLineBreak(String(name[range]))
        }
        let stem =
            name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? name
        let device = stem.trimmingCharacters(in: .whitespaces).uppercased()
        if reservedDevices.contains(device) { return .windowsReservedName(stem) }
        return nil
    }

    /// A portable name close to `name`: `:` and `|` as ` -`, slashes as `-`, the other forbidden characters and
    /// control characters dropped, no trailing dot or space. Nil when no such name is left.
    public static func suggestion(for name: String) -> String? {
        var text = ""
        for character in name {
            switch character {
            case ":", "|": text += " -"
            case "/", "\\": text += "-"
            case _ where reservedCharacters.contains(character): continue
            case _ where character.unicodeScalars.contains(where: isControl): text += " "
            default: text.append(character)
            }
        }
        while text.contains("  ") { text = text.replacingOccurrences(of: "  ", with: " ") }
        text = text.replacingOccurrences(of: " .", with: ".")
        while let last = text.last, last == "." || last == " " { text.removeLast() }
        text = text.trimmingCharacters(in: .whitespaces)
        return problem(with: text) == nil ? text : nil
    }

    /// `:`, `?` and `*` — characters quoted one by one, for messages.
    public static func list(_ characters: [Character]) -> String {
        characters.map { "“\($0)”" }.joined(separator: ", ")
    }

    /// Whether `scalar` is a control character or an invisible text-direction override.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidi marks and overrides ("Trojan source" names)
        case 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }
}
