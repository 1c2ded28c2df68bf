/// File names as a file system allows them: at most 255 bytes (ext4, XFS, Btrfs, tmpfs; NTFS and SMB count 255
/// UTF-16 units, which 255 UTF-8 bytes never exceed), cut only between whole characters.
enum RejectedName {
    /// The longest file name, in bytes.
    static let limit = 255

    /// `bytes` cut to at most `count` bytes without splitting a UTF-8 sequence (bytes that are not UTF-8 are cut
    /// where they are, each being a character of its own to a Linux file system).
    static func shortened(_ bytes: [UInt8], to count: Int) -> [UInt8] {
        guard bytes.count > count else { return bytes }
        var end = max(0, count)
        // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(bytes[..<end])
    }
}
