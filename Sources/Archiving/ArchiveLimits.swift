/// Bounds on what reading one archive may cost; an archive beyond them is refused, not read further.
public struct ArchiveLimits: Sendable, Equatable {
    /// Most entries (files and folders together).
    public var maxEntries: Int
    /// Most bytes of file data, all entries together.
    public var maxTotalBytes: Int64
    /// Longest path, in bytes.
    public var maxPathBytes: Int

    /// Limits for one packet.
    public init(maxEntries: Int = 10_000, maxTotalBytes: Int64 = 64 << 30, maxPathBytes: Int = 4096) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxPathBytes = maxPathBytes
    }

    /// The limits `lienthong verify` applies unless told otherwise.
    public static let packet = ArchiveLimits()
}
