import ArgumentParser
import Packets

/// "Did you mean": a word where a subcommand belongs that names none (`archive serach x`) is answered with the
/// nearest subcommand's name, in Vietnamese then English, instead of ArgumentParser's "2 unexpected arguments".
enum CommandSuggestion {
    /// The suggestion for `arguments` (without the program's name), or nil when every word naming a subcommand names
    /// one (or nothing near enough exists).
    static func message(for arguments: [String], root: any ParsableCommand.Type = LienThong.self) -> String? {
        var command = root
        var path = [name(of: root)]
        for argument in arguments {
            if argument.hasPrefix("-") { return nil }  // options come after the subcommands' words
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            if let next = subcommands.first(where: { names(of: $0).contains(argument) }) {
                command = next
                path.append(name(of: next))
                continue
            }
            let known = subcommands.flatMap(names(of:))
            guard let nearest = nearest(argument, among: known) else {
                // A word far from every name may be the default subcommand's own argument: ArgumentParser's message.
                if command.configuration.defaultSubcommand != nil { return nil }
                let list = known.joined(separator: ", ")
                return "Không có lệnh «\(argument)» trong «\(path.joined(separator: " "))» (các lệnh: \(list)).\n"
                    + "'\(path.joined(separator: " ")) \(argument)': no such command (commands: \(list))."
            }
            let full = (path + [nearest]).joined(separator: " ")
            return "Không có lệnh «\(argument)». Có phải ý bạn là «\(full)»?\n"
                + "'\(argument)' is not a command of '\(path.joined(separator: " "))'. Did you mean '\(full)'?"
        }
        return nil
    }

    static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }

    static func names(of command: any ParsableCommand.Type) -> [String] {
        [name(of: command)] + command.configuration.aliases
    }

    /// The known name closest to `word` by edit distance, when close enough to be a slip (at most a third of the
    /// word's letters, and at most 2).
    static func nearest(_ word: String, among known: [String]) -> String? {
        let limit = min(2, max(1, word.count / 3))
        let scored = known.map { ($0, distance(word.lowercased(), $0)) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    /// Damerau–Levenshtein distance (optimal string alignment): a swapped pair of letters counts as one slip.
    static func distance(_ a: String, _ b: String) -> Int { EditDistance.between(a, b) }
}
