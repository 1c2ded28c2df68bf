/// Which characters may not appear in the name of a note the office writes beside a
/// clerk's files (a reason file, a waiting notice): no separators, controls, bidi overrides or replacement marks,
/// and none of the characters Windows refuses in names (`< > : " | ? *`), so that the note opens from a Windows share
/// even when the clerk's own file, so named, does not.
public enum PortableNameScalars {
    /// Whether `scalar` is kept out of a note's name (replaced by `_`).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\u{FFFD}" || scalar == "/" || scalar == "\\" || scalar.value < 0x20
            || "<>:\"|?*".unicodeScalars.contains(scalar)
            || (0x7F...0x9F).contains(scalar.value)
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
