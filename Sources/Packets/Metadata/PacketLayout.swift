/// Names inside a packet folder beyond BagIt's own (DESIGN.md, "Packet").
public enum PacketLayout {
    /// The signed metadata.
    public static let metadataName = "metadata.json"
    /// The detached CMS signature over metadata.json.
    public static let signatureName = "metadata.json.p7s"
    /// Every file the packet folder holds besides `data/`, all covered by the tag manifest except itself.
    public static let tagFiles = [BagIt.declarationName, BagIt.bagInfoName, BagIt.manifestName, metadataName, signatureName,
                                  BagIt.tagManifestName]
    /// Largest tag file accepted when reading a packet.
    public static let maxTagFileBytes = 16 << 20
}
