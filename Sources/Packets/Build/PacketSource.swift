/// A document to pack: where it is read from, and the name it takes inside the packet's `data/` folder.
public struct PacketSource: Sendable, Equatable {
    /// The file to read.
    public let path: String
    /// Its name in the packet (NFC); by default the file's own name.
    public let name: String

    public init(path: String, name: String? = nil) {
        self.path = path
        self.name = (name ?? path.split(separator: "/").last.map(String.init) ?? path).precomposedNFC
    }
}
