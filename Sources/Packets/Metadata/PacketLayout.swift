/// Names inside a packet folder beyond BagIt's own (DESIGN.md, "Packet").
public enum PacketLayout {
    /// The signed metadata.
    public static let metadataName = "metadata.json"
    /// The detached CMS signature over metadata.json.
    public static let signatureName = "metadata.json.p7s"
    /// Every file the packet folder holds besides `data/`, all covered by the tag manifest except itself.
    public static let tagFiles = [
        BagIt.declarationName, BagIt.bagInfoName, BagIt.manifestName, metadataName, signatureName,
        BagIt.tagManifestName,
    ]
    /// The order of the files in a packet the office builds, after the packet folder and before `data/` and the
    /// documents: the signed metadata and its signature first, so that a receiver judges them before it reads a
    /// byte of a document and writes no document bigger than signed (README, "What is in a packet").
    public static let entryOrder = [
        metadataName, signatureName, BagIt.declarationName, BagIt.bagInfoName, BagIt.manifestName,
        BagIt.tagManifestName,
    ]
    /// Largest tag file accepted when reading a packet.
    public static let maxTagFileBytes = 16 << 20
}
